import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { DevBroker } from '../../lib/dev-broker/dev-broker.js';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { eventually, uniqueName } from '../support/kafka.js';
import { sleep, startKarafkaApp, type TestApp } from '../support/karafka-app.js';

const PARTITIONS = 6;
const MESSAGES = 12_000;
/** Per message: slow enough that the broker goes away mid-drain (batches of ~230 messages). */
const WORK_MS_PER_MESSAGE = 1;
const DOWNTIME_MS = 2_000;

async function fill(brokers: string, topic: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'restart-test',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const padding = 'x'.repeat(100);
  for (let i = 0; i < MESSAGES; i += 1_000) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 1_000 }, (_, j) => ({
        key: String((i + j) % 600),
        value: JSON.stringify({ n: i + j, padding }),
      })),
    });
  }
  await producer.disconnect();
}

describe('a broker restart in the middle of a drain (dedicated broker, restarted on its data)', () => {
  let port: number | undefined;
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.close();
    if (port) await DevBroker.stop({ port, keepData: false });
  });

  it('loses nothing, re-delivers only what was processed after the last commit, and reports the recovery time', async () => {
    const first = await DevBroker.start({ port: 0, keepData: true });
    port = first.state!.port;
    const brokers = first.brokers;
    const topic = uniqueName('restart');
    await fill(brokers, topic);

    /** Per partition: every delivered offset, in order. */
    const delivered = new Map<number, number[]>();
    let restartedAt = 0;
    let firstAfterRestart = 0;

    @Consumer(topic, { batch: true })
    class DrainConsumer extends BaseConsumer<{ n: number }> {
      async consume(messages: Messages<{ n: number }>): Promise<void> {
        await sleep(messages.size * WORK_MS_PER_MESSAGE);
        const list = delivered.get(messages.first!.partition) ?? [];
        for (const message of messages) list.push(Number(message.offset));
        delivered.set(messages.first!.partition, list);
        if (restartedAt && !firstAfterRestart) firstAfterRestart = Date.now();
      }
    }

    app = await startKarafkaApp({
      clientId: uniqueName('restart'),
      providers: [DrainConsumer],
      options: {
        kafka: {
          brokers: [brokers],
          connectionTimeout: 1_000,
          requestTimeout: 5_000,
          retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 },
        },
        // Small fetches: many batches and commits per partition, as in a long drain.
        consumer: {
          sessionTimeout: 6_000,
          heartbeatInterval: 1_000,
          maxBytesPerPartition: 32_768,
        },
        commit: { interval: 1_000 },
      },
      record: ['consumer.offsets.committed', 'connection.client.crashed', 'error.occurred'],
    });

    const total = () => [...delivered.values()].reduce((sum, list) => sum + list.length, 0);
    await eventually(() => total() >= MESSAGES * 0.2, 60_000, 'a fifth of the messages');

    await DevBroker.stop({ port, keepData: true });
    const stoppedAt = Date.now();
    await sleep(DOWNTIME_MS);
    await DevBroker.start({ port, keepData: true });
    restartedAt = Date.now();
    // What the app was told was committed, and what it had processed, by the time the broker
    // answered again (batches fetched before the stop go on being processed meanwhile).
    const committed = new Map<number, number>();
    for (const event of app.events) {
      if (event.id !== 'consumer.offsets.committed') continue;
      const { payload } = event as KarafkaEvent<'consumer.offsets.committed'>;
      for (const o of payload.offsets) committed.set(o.partition, Number(o.offset));
    }
    const processedBefore = new Map([...delivered].map(([p, list]) => [p, list.length]));

    await eventually(
      () => {
        const seen = new Set<string>();
        for (const [partition, list] of delivered)
          for (const o of list) seen.add(`${partition}:${o}`);
        return seen.size >= MESSAGES;
      },
      120_000,
      'every message once the broker is back',
    );

    let redelivered = 0;
    let allowed = 0;
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const list = delivered.get(partition) ?? [];
      const before = processedBefore.get(partition) ?? 0;
      const lastCommit = committed.get(partition) ?? 0;
      // Where the partition resumed after the restart: never before what was reported committed.
      if (list.length > before) {
        expect(list[before], `partition ${partition} resumed at`).toBeGreaterThanOrEqual(
          lastCommit,
        );
      }
      redelivered += list.length - new Set(list).size;
      allowed += Math.max(0, before - lastCommit);
      // Per-partition order: offsets go back at most once, at the resume point.
      const backsteps = list.filter((o, i) => i > 0 && o <= list[i - 1]!).length;
      expect(backsteps, `partition ${partition} order`).toBeLessThanOrEqual(1);
    }
    const crashes = app.events.filter((e) => e.id === 'connection.client.crashed').length;
    console.log(
      `[broker restart] ${MESSAGES} messages over ${PARTITIONS} partitions, broker down ` +
        `${restartedAt - stoppedAt} ms; processed by then ${[...processedBefore.values()].reduce((a, b) => a + b, 0)}, ` +
        `of which after the last successful commit ${allowed}; re-delivered ${redelivered}; ` +
        `first batch ${firstAfterRestart - restartedAt} ms after the broker answered again; ` +
        `${crashes} client crashes reported (${[
          ...new Set(
            app.events
              .filter((e) => e.id === 'error.occurred')
              .map((e) => {
                const { type, error } = (e as KarafkaEvent<'error.occurred'>).payload;
                return `${type}: ${error instanceof Error ? error.message.slice(0, 80) : ''}`;
              }),
          ),
        ].join(' | ')})`,
    );
    expect(redelivered).toBeLessThanOrEqual(allowed);
    // One member keeps its partitions across the outage: what it processed before is carried
    // over the crash (marks restored, fetch resumed after them), so nothing is processed twice.
    expect(redelivered).toBe(0);
  }, 240_000);
});
