import { afterAll, describe, expect, it } from 'vitest';
import { DevBroker } from '../../lib/dev-broker/dev-broker.js';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { eventually, produceTo, uniqueName } from '../support/kafka.js';
import { sleep, startKarafkaApp, type TestApp } from '../support/karafka-app.js';

describe('a broker that goes away (dedicated broker)', () => {
  let port: number | undefined;
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    if (port) await DevBroker.stop({ port });
  });

  it('reports the crash, does not spin, and consumes again once a broker is back on the address', async () => {
    const first = await DevBroker.start({ port: 0 });
    port = first.state!.port;
    const brokers = first.brokers;
    const topic = uniqueName('outage');
    await produceTo(brokers, topic, '"before"');
    const seen: string[] = [];

    @Consumer(topic)
    class OutageConsumer extends BaseConsumer<string> {
      consume(messages: Messages<string>): void {
        seen.push(messages.first!.payload);
      }
    }

    app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [OutageConsumer],
      options: {
        kafka: {
          brokers: [brokers],
          connectionTimeout: 500,
          requestTimeout: 2_000,
          retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
        },
        consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
      },
      record: ['connection.client.crashed', 'error.occurred'],
    });
    await eventually(() => seen.length >= 1, 30_000, 'the first message');

    await DevBroker.stop({ port });
    await eventually(
      () => app!.events.some((e) => e.id === 'connection.client.crashed'),
      60_000,
      'a crash report',
    );
    const crash = app.events.find(
      (e) => e.id === 'connection.client.crashed',
    ) as KarafkaEvent<'connection.client.crashed'>;
    expect(crash.payload.error).toBeInstanceOf(Error);

    // Bounded retrying while the broker is down: a handful of crashes, not a hot loop.
    const before = app.events.filter((e) => e.id === 'connection.client.crashed').length;
    await sleep(5_000);
    const during = app.events.filter((e) => e.id === 'connection.client.crashed').length - before;
    expect(during).toBeLessThanOrEqual(5); // backoff 1 s, 2 s, 4 s...: at most a few in 5 s

    await DevBroker.start({ port });
    await produceTo(brokers, topic, '"after"');
    await eventually(() => seen.includes('after'), 90_000, 'a message from the restarted broker');
    expect(seen[0]).toBe('before');
  }, 180_000);
});
