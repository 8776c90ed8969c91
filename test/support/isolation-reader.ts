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

/**
 * What a `read_committed` reader must see, decided from the log itself: reads every record and
 * transaction marker with `read_uncommitted` and keeps a transaction's records only when its
 * COMMIT marker follows (open transactions count as not committed).
 *
 * kafkajs' own read_committed filter is not trusted here: it expects the aborted-transaction list
 * of a fetch sorted by first offset and registers at most one aborted transaction per record,
 * while Kafka lists them by marker offset. Several transactions aborted together (the fencing
 * of a crashed owner) then leak one of them into a kafkajs read_committed read: seen in the
 * exactly-once chaos test as an aborted batch that looked like a duplicate.
 */
export async function readCommitted(
  topic: string,
  done: (messages: IsolatedRead[]) => boolean,
  { settleMs = 1_500, timeout = 60_000 }: { settleMs?: number; timeout?: number } = {},
): Promise<IsolatedRead[]> {
  const consumer = testKafka().consumer({
    groupId: uniqueName('committed-reader'),
    readUncommitted: true,
    maxWaitTimeInMs: 100,
  });
  const got: IsolatedRead[] = [];
  const seen = new Set<string>();
  // Per partition and producer id: the records of its open transaction.
  const open = new Map<string, IsolatedRead[]>();
  let lastAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const records = (batch as unknown as { messagesWithinOffset: RawRecord[] })
        .messagesWithinOffset;
      for (const record of records) {
        const where = `${batch.partition}:${record.offset}`;
        if (seen.has(where)) continue;
        seen.add(where);
        lastAt = Date.now();
        const { producerId, inTransaction } = record.batchContext;
        const txn = `${batch.partition}:${producerId}`;
        if (record.isControlRecord) {
          // Control record key: version (int16), type (int16: 0 abort, 1 commit).
          const committed = record.key?.readInt16BE(2) === 1;
          if (committed) got.push(...(open.get(txn) ?? []));
          open.delete(txn);
          continue;
        }
        const read: IsolatedRead = {
          key: record.key?.toString() ?? null,
          value: record.value?.toString() ?? null,
          partition: batch.partition,
          offset: record.offset,
        };
        if (!inTransaction) got.push(read);
        else open.set(txn, [...(open.get(txn) ?? []), read]);
      }
    },
  });
  const deadline = Date.now() + timeout;
  try {
    for (;;) {
      if (done(got) && Date.now() - lastAt >= settleMs) return got;
      if (Date.now() > deadline) {
        throw new Error(`Timed out reading ${topic} (committed): ${got.length} messages so far`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await consumer.disconnect();
  }
}

/** A record as kafkajs decodes it, control records and batch context included. */
interface RawRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}
