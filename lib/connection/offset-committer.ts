import type { Consumer as KafkaConsumer, ConsumerCommitOffsetsEvent } from 'kafkajs';
import type { CommitOptions } from '../config/karafka-options.js';
import { OffsetCommitError } from './connection.error.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';

type PartitionFilter = (topic: string, partition: number) => boolean;

interface Mark {
  topic: string;
  partition: number;
  /** The offset to commit: last processed + 1 (Kafka commits the next offset to read). */
  next: bigint;
}

/** A mark kept across a client crash, to be restored if the partition comes back. */
export type CarriedMark = Readonly<Mark>;

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
  /** Offsets the watched kafkajs consumer reported as accepted by the coordinator. */
  private accepted?: Set<string>;
  private _suspended = false;

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

  /**
   * kafkajs' `commitOffsets` resolves without committing anything when its consumer is not
   * running (crashed, or restarting after the broker went away), even when the request failed.
   * Only the coordinator's answer counts: kafkajs reports it with a COMMIT_OFFSETS event.
   */
  watch(consumer: KafkaConsumer): void {
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }: ConsumerCommitOffsetsEvent) => {
      for (const { topic, partitions } of payload.topics)
        for (const { partition, offset } of partitions)
          this.accepted?.add(`${topic}:${partition}:${offset}`);
    });
    this.accepted = new Set();
  }

  /** The client crashed: commits wait (marks stay pending) until `resume`. */
  suspend(): void {
    this._suspended = true;
  }

  resume(): void {
    this._suspended = false;
  }

  /** True while the client is known to be down (crashed, not yet rejoined). */
  get suspended(): boolean {
    return this._suspended;
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

  /** The offset a pending (marked, not yet committed) mark would commit, if there is one. */
  pending(kafkaTopic: string, partition: number): bigint | undefined {
    const key = `${kafkaTopic}:${partition}`;
    return this.dirty.has(key) ? this.marks.get(key)?.next : undefined;
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
    return this.enqueue(only, false).catch(() => undefined);
  }

  /** Like `commit`, but rejects when Kafka did not take the offsets (markAsConsumedSync). */
  commitOrThrow(only?: PartitionFilter): Promise<void> {
    return this.enqueue(only, true);
  }

  /** Drops a partition's mark (the partition was revoked, or the client crashed). */
  forget(kafkaTopic: string, partition: number): void {
    const key = `${kafkaTopic}:${partition}`;
    this.marks.delete(key);
    this.dirty.delete(key);
  }

  /**
   * Drops every mark and returns the ones not known to be committed: after a crash the
   * partitions may belong to another member, and only those that come back get them again.
   */
  forgetAll(): CarriedMark[] {
    const pending = [...this.dirty].flatMap((key) => this.marks.get(key) ?? []);
    this.marks.clear();
    this.dirty.clear();
    this.marksSinceCommit = 0;
    return pending;
  }

  /** Restores a mark carried across a crash: pending again, committed with the next commit. */
  restore(mark: CarriedMark): void {
    this.mark(mark.topic, mark.partition, (mark.next - 1n).toString());
  }

  /** Serialized, so two commits never race and an older offset never lands after a newer one. */
  private enqueue(only: PartitionFilter | undefined, required: boolean): Promise<void> {
    const run = this.committing.then(() => this.commitNow(only, required));
    this.committing = run.catch(() => undefined);
    return run;
  }

  private async commitNow(only: PartitionFilter | undefined, required: boolean): Promise<void> {
    const consumer = this.consumer();
    if (!consumer || this.dirty.size === 0) return;
    if (this._suspended) {
      if (!required) return; // marks wait for the rejoin; nothing to report meanwhile
      throw new OffsetCommitError(
        `Consumer group ${this.groupId} cannot commit now: its client lost the connection to ` +
          'the broker and is reconnecting. The offsets stay marked and are committed once it rejoins.',
      );
    }
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
      this.accepted?.clear();
      await consumer.commitOffsets(offsets);
      const missing = this.accepted
        ? offsets.filter((o) => !this.accepted!.has(`${o.topic}:${o.partition}:${o.offset}`))
        : [];
      if (missing.length) {
        throw new OffsetCommitError(
          `Kafka did not take the offsets of consumer group ${this.groupId} ` +
            `(${missing.map((o) => `${o.topic}/${o.partition}@${o.offset}`).join(', ')}): ` +
            'its client stopped (connection lost); they are committed once it rejoins.',
        );
      }
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
