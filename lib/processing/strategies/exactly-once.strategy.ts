import { KarafkaError } from '../../errors/karafka.error.js';
import type { Message } from '../../messages/message.js';
import type { Producer } from '../../producer/producer.js';
import { DefaultStrategy } from './default.strategy.js';
import type { PartitionScope } from './processing-strategy.js';

/**
 * `exactlyOnce: true`: every call runs in a Kafka transaction of a producer owned by the input
 * partition, holding what the call sends and the offsets of its messages (`sendOffsets` to the
 * group); a failure aborts it and backs off like the default.
 *
 * Zombie fencing uses one transactional id per input partition (`<groupId>-<topic>-<partition>`),
 * the scheme from before KIP-447: kafkajs 2.2 sends TxnOffsetCommit v0/v1, without the group
 * metadata (member id, generation) that would let the broker fence a stale member of a shared
 * id. Whoever owns the partition next initialises the same id, which bumps its epoch: the old
 * owner's open transaction is aborted and it can commit nothing more. That new owner also
 * waits for the previous owner's last transaction to finish before it reads the committed
 * offset, so it never starts from an offset a commit in flight is about to move.
 */
export class ExactlyOnceStrategy extends DefaultStrategy {
  /** The transactional producer of each input partition this process owns. */
  private readonly producers = new Map<number, Producer>();
  /** Per input partition: the offset its committed transactions continue at. */
  private readonly committedNext = new Map<number, bigint>();
  /** Partitions revoked (or shut down) since their last batch: never claimed from a call. */
  private readonly revoked = new Set<number>();

  /**
   * Nothing goes to the group's plain offset commits: the transactions commit the offsets. A
   * plain commit of an older mark, retried after the partition moved on to another process,
   * would move the group's offset back and make the next owner process messages again.
   */
  override markProcessed(): void {}

  override markSkipped(): void {}

  /** Retries from what the transactions committed (nothing is marked, see above). */
  override async handleFailure(
    scope: PartitionScope,
    error: unknown,
    list: readonly Message[],
    retryFrom: string,
  ): Promise<void> {
    const committed = this.committedNext.get(scope.partition);
    const from =
      committed !== undefined && committed >= BigInt(list[0]!.offset)
        ? committed.toString()
        : retryFrom;
    return super.handleFailure(scope, error, list, from);
  }

  async beforeBatch(scope: PartitionScope, firstOffset: string): Promise<string | undefined> {
    if (this.producers.has(scope.partition)) {
      // kafkajs may still hand over batches it fetched before a seek: never process messages
      // below what this partition's transactions already committed.
      const expected = this.committedNext.get(scope.partition);
      return expected !== undefined && BigInt(firstOffset) < expected
        ? expected.toString()
        : undefined;
    }
    this.revoked.delete(scope.partition);
    const committed = await this.claim(scope);
    return committed !== undefined && committed > BigInt(firstOffset)
      ? committed.toString()
      : undefined;
  }

  /**
   * Takes the partition's transactional id over (fencing the previous owner and waiting for its
   * transaction to complete), then reads the offset its transactions committed.
   */
  private async claim(scope: PartitionScope): Promise<bigint | undefined> {
    const { route, partition, host } = scope;
    const producer = host.producer.transactional(
      `${route.groupId}-${route.kafkaTopic}-${partition}`,
    );
    try {
      await producer.connect();
    } catch (error) {
      await producer.close().catch(() => undefined);
      throw error;
    }
    this.producers.set(partition, producer);
    // kafkajs read the committed offset when the partition was assigned, possibly before the
    // previous owner's last commit landed: that offset is only now stable.
    const read = await host.committedOffset(route.kafkaTopic, partition);
    const committed = read === undefined ? undefined : BigInt(read);
    if (committed !== undefined) this.committedNext.set(partition, committed);
    else this.committedNext.delete(partition);
    return committed;
  }

  async runCall(
    scope: PartitionScope,
    list: readonly Message[],
    work: (producer: Producer) => Promise<void>,
  ): Promise<void> {
    const { route, partition, coordinator } = scope;
    if (this.revoked.has(partition)) {
      throw new KarafkaError(
        `Partition ${partition} of "${route.topic}" was revoked during the call: ` +
          'its transactional producer is closed, the call is retried by its next owner.',
      );
    }
    // beforeBatch claimed it for this batch; a failed call of the batch dropped it (a dead
    // letter dispatch follows in the same batch): claim it again, as a new batch would.
    const producer = this.producers.get(partition) ?? (await this.reclaim(scope, list[0]!));
    const next = (BigInt(list[list.length - 1]!.offset) + 1n).toString();
    try {
      await producer.transaction(async (tx) => {
        await work(producer);
        // After the consumer's own seek() nothing is committed: it rewound to process again.
        if (coordinator.seekedByConsumer) return;
        await tx.sendOffsets({
          consumerGroupId: route.groupId,
          topics: [{ topic: route.topic, partitions: [{ partition, offset: next }] }],
        });
      });
      // A consumer's seek() may go back before the committed offset on purpose: no guard then
      // until the next commit.
      if (coordinator.seekedByConsumer) this.committedNext.delete(partition);
      else this.committedNext.set(partition, BigInt(next));
    } catch (error) {
      // Any failed transaction: another process may own the partition now, or commit for it
      // (fenced, a refused commit, or a send that failed because the id was taken, which
      // Kafka does not always report as fencing; an abort that fails then makes the producer
      // reconnect, which claims the id again). Never retry in place from what this process
      // believes was committed: the next batch claims the id again and reads the committed
      // offset first (beforeBatch), which another owner's commits may have moved past this
      // call's messages. Costs one claim and one offset read per failed call.
      await this.drop(partition);
      throw error;
    }
  }

  private async reclaim(scope: PartitionScope, first: Message): Promise<Producer> {
    const committed = await this.claim(scope);
    if (committed !== undefined && committed > BigInt(first.offset)) {
      throw new KarafkaError(
        `Offset ${first.offset} of partition ${scope.partition} of "${scope.route.topic}" was ` +
          `committed meanwhile (up to ${committed}) by another owner of the partition: ` +
          'consuming continues from there.',
      );
    }
    return this.producers.get(scope.partition)!;
  }

  /** A seek from outside (web UI) may go back before the committed offset on purpose. */
  seeked(scope: PartitionScope): void {
    this.committedNext.delete(scope.partition);
  }

  /** Revoked or shut down: the partition's producer goes, and no call may claim it again. */
  async release(scope: PartitionScope): Promise<void> {
    this.revoked.add(scope.partition);
    await this.drop(scope.partition);
  }

  private async drop(partition: number): Promise<void> {
    const producer = this.producers.get(partition);
    this.producers.delete(partition);
    this.committedNext.delete(partition);
    await producer?.close().catch(() => undefined);
  }
}
