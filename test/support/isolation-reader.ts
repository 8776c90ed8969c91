import { testKafka, uniqueName } from './kafka.js';

export interface IsolatedRead {
  key: string | null;
  value: string | null;
  partition: number;
}

/**
 * Reads a whole topic with a plain kafkajs consumer of its own group and the given isolation
 * level, until `done(messages)` holds and then `settleMs` more pass without a new message (so
 * duplicates arriving late are seen too).
 */
export async function readIsolated(
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted',
  done: (messages: IsolatedRead[]) => boolean,
  { settleMs = 1_500, timeout = 60_000 }: { settleMs?: number; timeout?: number } = {},
): Promise<IsolatedRead[]> {
  const consumer = testKafka().consumer({
    groupId: uniqueName('isolated-reader'),
    readUncommitted: isolation === 'read_uncommitted',
    maxWaitTimeInMs: 100,
  });
  const got: IsolatedRead[] = [];
  let lastAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      got.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        partition,
      });
      lastAt = Date.now();
    },
  });
  const deadline = Date.now() + timeout;
  try {
    for (;;) {
      if (done(got) && Date.now() - lastAt >= settleMs) return got;
      if (Date.now() > deadline) {
        throw new Error(`Timed out reading ${topic} (${isolation}): ${got.length} messages so far`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
}
