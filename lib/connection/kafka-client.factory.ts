import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry, type logCreator, type RetryOptions } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { isRetriableStartup } from './retriable-startup.js';
import { explainConnectionFailure } from './connection-failure.js';

/** kafkajs logs through Nest's Logger (context KafkaJS), so one logger configuration rules the whole app. */
export const nestLogCreator: logCreator = () => {
  const logger = new Logger('KafkaJS');
  // kafkajs follows a crash with "Restarting the consumer in N ms", which names no error: it is
  // as quiet as the crash it follows.
  let quietCrash = false;
  return ({ level, log }: LogEntry) => {
    // No stack: what kafkajs logs here it retries itself; failures that matter reach the monitor
    // as error.occurred and are logged there, with their cause.
    const { message, stack: _stack, ...extra } = log as LogEntry['log'] & { stack?: unknown };
    const text = `${message}${Object.keys(extra).length > 2 ? ` ${JSON.stringify(extra)}` : ''}`;
    let quiet = isRetriableStartup(`${message} ${String(extra.error ?? '')}`);
    if (message.startsWith('Crash:')) quietCrash = quiet;
    else if (message.startsWith('Restarting the consumer')) quiet = quietCrash;
    if (quiet) logger.debug(text);
    else if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(text);
    else if (level === logLevel.INFO) logger.debug(text);
    else logger.verbose(text);
  };
};

/** Builds kafkajs clients from the validated config (one per consumer group, one for the producer). */
@Injectable()
export class KafkaClientFactory {
  constructor(@Inject(KARAFKA_CONFIG) private readonly config: KarafkaConfig) {}

  /**
   * A kafkajs client for the configured brokers; `role` is added to the client id. `retry`
   * replaces the configured retries (a one-shot question such as `karafka info` asks once).
   */
  create(role?: string, overrides: { retry?: RetryOptions } = {}): Kafka {
    const { kafka, clientId } = this.config;
    return new Kafka({
      clientId: role ? `${clientId}-${role}` : clientId,
      brokers: kafka.brokers,
      ssl: kafka.ssl,
      sasl: kafka.sasl,
      connectionTimeout: kafka.connectionTimeout,
      requestTimeout: kafka.requestTimeout,
      retry: overrides.retry ?? kafka.retry,
      logLevel: logLevel.WARN,
      logCreator: nestLogCreator,
    });
  }

  /** A connection failure as an error that says what to fix (SASL, TLS), without secrets. */
  explainFailure(error: unknown, who: string): unknown {
    return explainConnectionFailure(error, this.config.kafka, who);
  }
}
