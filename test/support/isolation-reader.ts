import { testKafka, uniqueName } from './kafka.js';

export interface IsolatedRead {
  key: string | null;
  value: string | null;
  partition: number;
  offset: string;
}

/**
 * Reads a whole topic with a plain kafkajs consumer of its own group and the given isolation
 * level, until `done(messages)` holds and then `settleMs` more pass without a new message (so
 * duplicates arriving late are seen too). Each stored message once: when the reader's own
 * client restarts (a busy fresh broker) kafkajs delivers some offsets again; a duplicate in
 * the topic has an offset of its own.
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
  const seen = new Set<string>();
  let lastAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const where = `${partition}:${message.offset}`;
      if (seen.has(where)) return;
      seen.add(where);
      got.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        partition,
        offset: message.offset,
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
