import { describe, expect, it } from 'vitest';
import { StableOffsetReader } from '../../lib/connection/stable-offset-reader.js';
import { createTopic, testKafka, uniqueName } from '../support/kafka.js';

const ROUNDS = 150;

/**
 * What a new owner of an exactly-once partition does: the previous owner's transaction with
 * `sendOffsets` has committed, the new owner initialises the same transactional id (which waits
 * for that transaction to complete) and reads the committed offset. Kafka applies the
 * transaction's offsets asynchronously after its marker, and a plain OffsetFetch (kafkajs' own,
 * v1-v4) answers the offset before the transaction in a few rounds out of a hundred.
 */
describe('StableOffsetReader', () => {
  it('reads the offset of the transaction just committed, right after its commit and after the claim', async () => {
    const topic = uniqueName('stable-offsets');
    const groupId = uniqueName('stable-offsets-group');
    const transactionalId = uniqueName('stable-offsets-tx');
    await createTopic(topic);
    const kafka = testKafka();
    const reader = new StableOffsetReader(testKafka(), groupId);
    const stale: string[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const previous = kafka.producer({
          transactionalId,
          idempotent: true,
          maxInFlightRequests: 1,
        });
        await previous.connect();
        const tx = await previous.transaction();
        await tx.send({ topic, messages: [{ value: String(round) }] });
        await tx.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition: 0, offset: String(round) }] }],
        });
        await tx.commit();
        // The commit returned, its markers are still being written: the offsets are pending.
        const early = await reader.committedOffset(topic, 0);
        if (early !== String(round))
          stale.push(`committed ${round}, read ${early ?? 'none'} before the claim`);
        const next = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
        await next.connect();
        const read = await reader.committedOffset(topic, 0);
        if (read !== String(round))
          stale.push(`committed ${round}, read ${read ?? 'none'} after the claim`);
        await previous.disconnect().catch(() => undefined);
        await next.disconnect();
      }
    } finally {
      await reader.close();
    }
    expect(stale).toEqual([]);
  }, 180_000);

  it('answers undefined for a partition the group never committed', async () => {
    const topic = uniqueName('stable-offsets-none');
    await createTopic(topic);
    const reader = new StableOffsetReader(testKafka(), uniqueName('stable-offsets-empty'));
    try {
      expect(await reader.committedOffset(topic, 0)).toBeUndefined();
    } finally {
      await reader.close();
    }
  });
});
