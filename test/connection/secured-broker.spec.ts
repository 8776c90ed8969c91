import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Module, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { SASLOptions } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaConnectionOptions } from '../../lib/config/karafka-options.js';
import { KafkaAuthenticationError, KafkaTlsError } from '../../lib/connection/connection.error.js';
import { DevBroker } from '../../lib/dev-broker/dev-broker.js';
import { KarafkaError } from '../../lib/errors/karafka.error.js';
import type { DevBrokerSecurity } from '../../lib/dev-broker/dev-broker.options.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { eventually, uniqueName } from '../support/kafka.js';
import { sleep } from '../support/karafka-app.js';

/** Every line Nest's logger (ours and kafkajs' through it) printed, at every level. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) =>
      void this.lines.push(`${level} ${[message, ...rest].map(text).join(' ')}`);
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');
  fatal = this.record('fatal');
}

function text(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack}`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An error with everything it holds (message, stack, causes), to search for a secret. */
function everything(value: unknown, depth = 0): string {
  if (depth > 5 || value === null || value === undefined) return '';
  if (value instanceof Error) {
    return `${value.name} ${value.message} ${value.stack} ${everything((value as { cause?: unknown }).cause, depth + 1)}`;
  }
  if (typeof value === 'object') {
    return Object.values(value as Record<string, unknown>)
      .map((v) => everything(v, depth + 1))
      .join(' ');
  }
  return String(value);
}

interface SecuredApp {
  app: INestApplicationContext;
  logs: CapturingLogger;
  events: string[];
}

describe('a secured broker: SASL_SSL with SCRAM and PLAIN users (dedicated broker)', () => {
  let port: number | undefined;
  let security: DevBrokerSecurity;
  let ca: Buffer;
  const apps: INestApplicationContext[] = [];

  beforeAll(async () => {
    const broker = await DevBroker.start({ port: 0, secure: true });
    port = broker.state!.port;
    security = broker.state!.security!;
    ca = readFileSync(security.caFile);
  }, 120_000);
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
  });
  afterAll(async () => {
    if (port) await DevBroker.stop({ port });
  });

  function kafka(sasl: SASLOptions, ssl: KafkaConnectionOptions['ssl'] = { ca: [ca] }) {
    return {
      brokers: [security.brokers],
      ssl,
      sasl,
      connectionTimeout: 3_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    };
  }

  async function createApp(
    connection: KafkaConnectionOptions,
    providers: Array<new (...args: never[]) => unknown> = [],
  ): Promise<SecuredApp> {
    @Module({
      imports: [KarafkaModule.forRoot({ clientId: uniqueName('secure'), kafka: connection })],
      providers,
    })
    class SecuredModule {}
    const logs = new CapturingLogger();
    const app = await NestFactory.createApplicationContext(SecuredModule, { logger: logs });
    apps.push(app);
    const events: string[] = [];
    app
      .get(Monitor)
      .subscribe('error.occurred', (event) => void events.push(everything(event.payload)));
    return { app, logs, events };
  }

  for (const mechanism of ['scram-sha-512', 'scram-sha-256', 'plain'] as const) {
    it(`consumes and produces with ${mechanism.toUpperCase()} over TLS`, async () => {
      const topic = uniqueName(`secure-${mechanism}`);
      const seen: string[] = [];
      @Consumer(topic)
      class SecureConsumer extends BaseConsumer<{ hello: string }> {
        consume(messages: Messages<{ hello: string }>): void {
          for (const message of messages) seen.push(message.payload.hello);
        }
      }
      const { username, password } = security.users[0]!;
      const { app } = await createApp(kafka({ mechanism, username, password } as SASLOptions), [
        SecureConsumer,
      ]);
      const report = await app.get(Producer).produceSync({ topic, payload: { hello: mechanism } });
      expect(report.topic).toBe(topic);
      await app.get(KarafkaServer).start();
      await eventually(() => seen.includes(mechanism), 30_000, `the ${mechanism} message`);
    });
  }

  it('a wrong password fails at once with a clear error naming mechanism and broker, and no secret anywhere', async () => {
    const password = `wrong-${randomBytes(6).toString('hex')}`;
    const { app, logs, events } = await createApp(
      kafka({ mechanism: 'scram-sha-512', username: 'karafka', password }),
      [],
    );
    const topic = uniqueName('secure-denied');
    @Consumer(topic)
    class DeniedConsumer extends BaseConsumer {
      consume(): void {}
    }
    const {
      app: consuming,
      logs: consumerLogs,
      events: consumerEvents,
    } = await createApp(kafka({ mechanism: 'scram-sha-512', username: 'karafka', password }), [
      DeniedConsumer,
    ]);

    const consumerError = await consuming
      .get(KarafkaServer)
      .start()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(consumerError).toBeInstanceOf(KafkaAuthenticationError);
    expect((consumerError as Error).message).toMatch(
      new RegExp(
        `Consumer group .* could not authenticate to ${security.brokers} with SASL SCRAM-SHA-512 as user "karafka"`,
      ),
    );

    const producerError = await app
      .get(Producer)
      .produceSync({ topic, payload: {} })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    // A failed produceSync is a DeliveryFailedError; the refused login is its cause.
    expect(producerError).toBeInstanceOf(KarafkaError);
    expect((producerError as Error).cause).toBeInstanceOf(KafkaAuthenticationError);
    expect((producerError as Error).message).toContain(
      `The producer could not authenticate to ${security.brokers}`,
    );

    // No retry loop: nothing more is tried or logged once the error was returned.
    const logged = logs.lines.length + consumerLogs.lines.length;
    await sleep(2_000);
    expect(logs.lines.length + consumerLogs.lines.length).toBe(logged);

    const everywhere = [
      everything(consumerError),
      everything(producerError),
      ...logs.lines,
      ...consumerLogs.lines,
      ...events,
      ...consumerEvents,
    ];
    expect(everywhere.join('\n')).toContain('authentication failed');
    for (const line of everywhere) expect(line).not.toContain(password);
  });

  it('a certificate from an unknown CA is refused with a clear TLS error', async () => {
    const { username, password } = security.users[0]!;
    const topic = uniqueName('secure-untrusted');
    @Consumer(topic)
    class UntrustedConsumer extends BaseConsumer {
      consume(): void {}
    }
    // ssl: true trusts only the system CAs, not the dev broker's own CA.
    const { app, logs } = await createApp(
      kafka({ mechanism: 'scram-sha-512', username, password }, true),
      [UntrustedConsumer],
    );
    const error = await app
      .get(KarafkaServer)
      .start()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(KafkaTlsError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `could not open a TLS connection to ${security.brokers}: .*certificate.*kafka\\.ssl\\.ca`,
      ),
    );
    for (const line of [everything(error), ...logs.lines]) expect(line).not.toContain(password);
  });
});
