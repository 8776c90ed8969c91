import type { Consumer as KafkaConsumer } from 'kafkajs';
import type { CommitOptions } from '../config/karafka-options.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';

type PartitionFilter = (topic: string, partition: number) => boolean;

interface Mark {
  topic: string;
  partition: number;
  /** The offset to commit: last processed + 1 (Kafka commits the next offset to read). */
  next: bigint;
}

/**
 * Marked offsets of one consumer group, committed to Kafka on an interval, past a threshold of
 * marks, and on demand (revoke, rebalance, shutdown, markAsConsumedSync). Marks only move
 * forward, so nothing that was not processed is ever committed.
 */
export class OffsetCommitter {
  private readonly marks = new Map<string, Mark>();
  private readonly dirty = new Set<string>();
  private marksSinceCommit = 0;
  private timer?: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly groupId: string,
    private readonly consumer: () => KafkaConsumer | undefined,
    private readonly options: Required<CommitOptions>,
    private readonly monitor: Monitor,
    private readonly topicMapper: TopicMapper,
  ) {}

  start(): void {
    if (this.options.interval > 0 && !this.timer) {
      this.timer = setInterval(() => void this.commit(), this.options.interval);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records that `offset` (a processed message) and everything before it may be committed. */
  mark(kafkaTopic: string, partition: number, offset: string): void {
    const key = `${kafkaTopic}:${partition}`;
    const next = BigInt(offset) + 1n;
    const current = this.marks.get(key);
    if (current && current.next >= next) return;
    this.marks.set(key, { topic: kafkaTopic, partition, next });
    this.dirty.add(key);
    if (this.options.threshold > 0 && ++this.marksSinceCommit >= this.options.threshold)
      void this.commit();
  }

  /** Offset of the last marked message of a partition, if any. */
  lastMarked(kafkaTopic: string, partition: number): bigint | undefined {
    const mark = this.marks.get(`${kafkaTopic}:${partition}`);
    return mark ? mark.next - 1n : undefined;
  }

  /**
   * Commits pending marks (optionally only some partitions). Never rejects: a failure is
   * reported (`consumer.commit.error`) and the marks stay pending for the next commit.
   */
  commit(only?: PartitionFilter): Promise<void> {
    return this.enqueue(only).catch(() => undefined);
  }

  /** Like `commit`, but rejects when Kafka did not take the offsets (markAsConsumedSync). */
  commitOrThrow(only?: PartitionFilter): Promise<void> {
    return this.enqueue(only);
  }

  /** Drops a partition's mark (the partition was revoked, or the client crashed). */
  forget(kafkaTopic: string, partition: number): void {
    const key = `${kafkaTopic}:${partition}`;
    this.marks.delete(key);
    this.dirty.delete(key);
  }

  /** Drops every mark: after a crash the partitions may belong to another member. */
  forgetAll(): void {
    this.marks.clear();
    this.dirty.clear();
    this.marksSinceCommit = 0;
  }

  /** Serialized, so two commits never race and an older offset never lands after a newer one. */
  private enqueue(only?: PartitionFilter): Promise<void> {
    const run = this.committing.then(() => this.commitNow(only));
    this.committing = run.catch(() => undefined);
    return run;
  }

  private async commitNow(only?: PartitionFilter): Promise<void> {
    const consumer = this.consumer();
    if (!consumer || this.dirty.size === 0) return;
    const pending = [...this.dirty]
      .map((key) => ({ key, mark: this.marks.get(key) }))
      .filter((entry): entry is { key: string; mark: Mark } => {
        if (!entry.mark) this.dirty.delete(entry.key);
        return entry.mark !== undefined && (!only || only(entry.mark.topic, entry.mark.partition));
      });
    if (!pending.length) return;
    const offsets = pending.map(({ mark }) => ({
      topic: mark.topic,
      partition: mark.partition,
      offset: mark.next.toString(),
    }));
    pending.forEach(({ key }) => this.dirty.delete(key));
    if (!only) this.marksSinceCommit = 0;
    try {
      await consumer.commitOffsets(offsets);
    } catch (error) {
      // Pending again, unless the partition was forgotten or marked further meanwhile (then the
      // newer mark is already pending and is what the next commit sends).
      for (const { key, mark } of pending) {
        if (this.marks.get(key) === mark) this.dirty.add(key);
      }
      this.monitor.publish('error.occurred', {
        type: 'consumer.commit.error',
        error,
        group: this.groupId,
      });
      throw error;
    }
    if (this.monitor.hasListeners('consumer.offsets.committed')) {
      this.monitor.publish('consumer.offsets.committed', {
        group: this.groupId,
        offsets: offsets.map((o) => ({ ...o, topic: this.topicMapper.incoming(o.topic) })),
      });
    }
  }
}
