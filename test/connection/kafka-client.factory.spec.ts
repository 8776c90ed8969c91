import { Logger } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nestLogCreator } from '../../lib/connection/kafka-client.factory.js';

describe('kafkajs logging through Nest', () => {
  afterEach(() => vi.restoreAllMocks());

  const entry = (level: logLevel, message: string) => ({
    namespace: 'Connection',
    level,
    label: 'ERROR',
    log: { timestamp: 'now', logger: 'kafkajs', message, broker: '127.0.0.1:9092' },
  });

  it('turns kafkajs error and warn logs into Nest warnings (kafkajs retries them), info into debug', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const debug = vi.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const log = nestLogCreator(logLevel.DEBUG);
    log(entry(logLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)'));
    log(entry(logLevel.WARN, 'slow'));
    log(entry(logLevel.INFO, 'Starting'));
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toMatch(/^Response GroupCoordinator/);
    expect(debug).toHaveBeenCalledWith(expect.stringMatching(/^Starting/));
  });

  it('logs the restart after a retriable start-up crash at debug, after a real crash as a warning', () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const debug = vi.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    const log = nestLogCreator(logLevel.DEBUG);
    log(entry(logLevel.ERROR, 'Crash: KafkaJSProtocolError: The coordinator is loading'));
    log(entry(logLevel.ERROR, 'Restarting the consumer in 300ms'));
    expect(warn).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(expect.stringMatching(/^Restarting the consumer/));

    log(entry(logLevel.ERROR, 'Crash: KafkaJSNonRetriableError: something else'));
    log(entry(logLevel.ERROR, 'Restarting the consumer in 300ms'));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1]![0]).toMatch(/^Restarting the consumer/);
  });
});
