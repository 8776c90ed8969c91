import type { Consumer as KafkaConsumer } from 'kafkajs';
import type { CommitOptions } from '../config/karafka-options.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';

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

  /** Commits pending marks (optionally only some partitions). Failures are reported and kept for the next try. */
  commit(only?: (topic: string, partition: number) => boolean): Promise<void> {
    // Serialized, so two commits never race and an older offset never lands after a newer one.
    this.committing = this.committing.then(() => this.commitNow(only));
    return this.committing;
  }

  /** Drops a partition's mark after its last commit (the partition was revoked). */
  forget(kafkaTopic: string, partition: number): void {
    const key = `${kafkaTopic}:${partition}`;
    this.marks.delete(key);
    this.dirty.delete(key);
  }

  private async commitNow(only?: (topic: string, partition: number) => boolean): Promise<void> {
    const consumer = this.consumer();
    if (!consumer || this.dirty.size === 0) return;
    const keys = [...this.dirty].filter((key) => {
      const mark = this.marks.get(key)!;
      return !only || only(mark.topic, mark.partition);
    });
    if (!keys.length) return;
    const offsets = keys.map((key) => {
      const { topic, partition, next } = this.marks.get(key)!;
      return { topic, partition, offset: next.toString() };
    });
    keys.forEach((key) => this.dirty.delete(key));
    if (!only) this.marksSinceCommit = 0;
    try {
      await consumer.commitOffsets(offsets);
      if (this.monitor.hasListeners('consumer.offsets.committed')) {
        this.monitor.publish('consumer.offsets.committed', {
          group: this.groupId,
          offsets: offsets.map((o) => ({ ...o, topic: this.topicMapper.incoming(o.topic) })),
        });
      }
    } catch (error) {
      // Keep them dirty unless a newer mark replaced them meanwhile; the next commit retries.
      for (const key of keys) this.dirty.add(key);
      this.monitor.publish('error.occurred', {
        type: 'consumer.commit.error',
        error,
        group: this.groupId,
      });
    }
  }
}
