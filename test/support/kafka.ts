import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { inject } from 'vitest';
import { waitForLeaders } from '../../lib/connection/topic-leaders.js';

/** The brokers of the real Kafka the global setup started (or KAFKA_BROKERS). */
export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers');
}

/** Topic and group names unique per test, so test files can share one broker in parallel. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function testKafka(clientId = uniqueName('test-client')): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({
      topics: [{ topic, numPartitions, replicationFactor: 1 }],
      waitForLeaders: false,
    });
    await waitForLeaders(admin, [{ name: topic, partitions: numPartitions }]);
  });
}

/** Polls until `check` returns true (or throws the last failure after `timeout`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeout = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Messages in a topic: the sum of its partitions' end offsets (nothing deleted in tests). */
export async function totalEndOffset(topic: string): Promise<number> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

export interface ReadMessage {
  key: string | null;
  value: string | null;
  /** The value's bytes as they are (binary formats). */
  rawValue: Buffer | null;
  headers: Record<string, string>;
}

/** Reads the first `count` messages of a topic with a plain kafkajs consumer of its own group. */
export async function readTopic(topic: string, count: number): Promise<ReadMessage[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('reader') });
  const got: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) =>
      void got.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        rawValue: message.value ?? null,
        headers: Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        ),
      }),
  });
  try {
    await eventually(() => got.length >= count, 20_000, `${count} messages on ${topic}`);
    return got;
  } finally {
    await consumer.disconnect();
  }
}

/** One message to a dedicated broker (not the global one): for tests that run their own. */
export async function produceTo(brokers: string, topic: string, value: string): Promise<void> {
  const producer = new Kafka({
    clientId: uniqueName('produce-to'),
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value }] });
  await producer.disconnect();
}
