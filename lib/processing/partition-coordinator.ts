import { backoffDelay } from './backoff.js';
import type { PartitionHost, PartitionRef } from './partition-host.js';

/**
 * The state of one topic-partition between and during `consume` calls: the failure count,
 * the backoff pause and its timer, the consumer's own pause, a pending seek, and the replay
 * of a failed batch one message at a time (collapse). The executor asks it what to do next;
 * strategies change it after a failure. Nothing here calls `consume` or marks offsets.
 */
export class PartitionCoordinator {
  /**
   * Failed `consume` calls in a row that held the next message to process; reset by a success
   * (inside a collapsed replay, to the failures of the batch, see `succeeded`).
   */
  attempt = 0;
  private backingOff = false;
  /** When the current backoff streak began (epoch ms); cleared by a success. */
  backingOffSince?: number;
  private consumerPaused = false;
  private resumeTimer?: NodeJS.Timeout;
  private consumerResumeTimer?: NodeJS.Timeout;
  /** Set after a batch failed on a dead-letter route: replay it one by one up to here. */
  private collapseUntil?: bigint;
  /**
   * Failed calls that held the whole rest of the collapsed batch when the replay began: where
   * the count goes back to after a success inside it (the later messages were in those calls).
   */
  private collapseAttempts = 0;
  /** Set after a failure of a route with virtual partitions: replay without splitting. */
  private inOrderUntil?: bigint;
  private seekTo?: string;
  private consumerSeek = false;
  /** First offset this partition was given since it was assigned. */
  private firstSeen?: string;

  constructor(
    private readonly host: PartitionHost,
    private readonly kafkaTopic: string,
    readonly ref: PartitionRef,
  ) {}

  /** Paused for backoff or by the consumer: fetched batches are not processed meanwhile. */
  get paused(): boolean {
    return this.backingOff || this.consumerPaused;
  }

  get pausedByConsumer(): boolean {
    return this.consumerPaused;
  }

  get backingOffNow(): boolean {
    return this.backingOff;
  }

  /** A seek is pending (the consumer's or a strategy's): the fetch position must not move on. */
  get seekPending(): boolean {
    return this.seekTo !== undefined;
  }

  /**
   * The consumer seeked during this fetched batch: nothing is marked automatically, it may
   * have rewound to process messages again and a crash before that must bring them back.
   */
  get seekedByConsumer(): boolean {
    return this.consumerSeek;
  }

  /** A fetched batch arrives. */
  received(firstOffset: string): void {
    this.firstSeen ??= firstOffset;
  }

  /** Whether the next batch is replayed one message at a time. */
  get collapsed(): boolean {
    return this.collapseUntil !== undefined;
  }

  /**
   * Replay one message at a time up to `lastOffset` (a failed batch of a dead-letter route),
   * keeping the failures counted so far: each message of it was in those failed calls.
   */
  collapse(lastOffset: string): void {
    this.collapseUntil = BigInt(lastOffset);
    this.collapseAttempts = this.attempt;
  }

  /**
   * Virtual partitions stay off (`consume` runs in offset order, as without them) up to
   * `lastOffset`: a retry after a failure of a split batch, as Karafka's collapse.
   */
  collapseInOrder(lastOffset: string): void {
    this.inOrderUntil = BigInt(lastOffset);
  }

  /** Whether the next batch must not be split into virtual partitions. */
  get inOrder(): boolean {
    return this.inOrderUntil !== undefined || this.collapseUntil !== undefined;
  }

  /** The replay ends once the last message of the collapsed batch succeeded. */
  processedUpTo(offset: string): void {
    if (this.collapseUntil !== undefined && BigInt(offset) >= this.collapseUntil) {
      this.collapseUntil = undefined;
    }
    if (this.inOrderUntil !== undefined && BigInt(offset) >= this.inOrderUntil) {
      this.inOrderUntil = undefined;
    }
  }

  /**
   * A call ending at `lastOffset` succeeded (or its message was moved to the dead letter
   * topic). Inside a collapsed replay the count goes back to the batch's failures, not to 0:
   * the messages after `lastOffset` were in those failed calls too, and `maxRetries` counts
   * every failed call a message was in.
   */
  succeeded(lastOffset?: string): void {
    const inReplay =
      lastOffset !== undefined &&
      this.collapseUntil !== undefined &&
      BigInt(lastOffset) < this.collapseUntil;
    this.attempt = inReplay ? this.collapseAttempts : 0;
    this.backingOffSince = undefined;
  }

  /** A `consume` call failed: count it and drop the seek it may have asked for. */
  failed(): number {
    this.attempt += 1;
    this.seekTo = undefined;
    return this.attempt;
  }

  /**
   * Where a retry starts: the first message not marked. With manual offsets that may lie in an
   * earlier batch (the consumer did not mark what it did there), or be the first message this
   * partition ever got. A consumer that seeked back before marked messages retries its call.
   */
  firstUnmarked(first: string, last: string): string {
    const lastMarked = this.host.committer.lastMarked(this.kafkaTopic, this.ref.partition);
    if (lastMarked === undefined) {
      return this.firstSeen !== undefined && BigInt(this.firstSeen) < BigInt(first)
        ? this.firstSeen
        : first;
    }
    return lastMarked >= BigInt(last) ? first : (lastMarked + 1n).toString();
  }

  /** Continue at `offset` after this fetched batch (applied by `applySeek`). */
  seekAfterBatch(offset: string): void {
    this.seekTo = offset;
  }

  /** The consumer's `seek()`. */
  seekByConsumer(offset: string | number | bigint): void {
    this.seekTo = BigInt(offset).toString();
    this.consumerSeek = true;
  }

  /** End of a fetched batch: move the fetch position if a seek is pending. */
  applySeek(): void {
    this.consumerSeek = false;
    if (this.seekTo === undefined) return;
    this.host.seek(this.kafkaTopic, this.ref.partition, this.seekTo);
    this.seekTo = undefined;
  }

  /**
   * Pause the partition and rewind it to `retryFrom`; resume after the backoff for the current
   * attempt (unless the consumer paused it meanwhile).
   */
  backoff(retryFrom: string): void {
    const monitor = this.host.monitor;
    const timeout = backoffDelay(this.attempt, this.host.config.pause);
    this.backingOff = true;
    this.backingOffSince ??= Date.now();
    this.host.pausePartition(this.kafkaTopic, this.ref.partition);
    this.host.seek(this.kafkaTopic, this.ref.partition, retryFrom);
    monitor.publish('consumer.consuming.pause', {
      ...this.ref,
      timeout,
      offset: retryFrom,
      attempt: this.attempt,
    });
    clearTimeout(this.resumeTimer);
    const attempt = this.attempt;
    this.resumeTimer = setTimeout(() => {
      this.backingOff = false;
      monitor.publish('consumer.consuming.retry', { ...this.ref, offset: retryFrom, attempt });
      if (!this.consumerPaused) this.host.resumePartition(this.kafkaTopic, this.ref.partition);
    }, timeout);
  }

  /** The consumer's `pause(ms?)`. */
  pauseByConsumer(ms?: number): void {
    this.consumerPaused = true;
    this.host.pausePartition(this.kafkaTopic, this.ref.partition);
    clearTimeout(this.consumerResumeTimer);
    if (ms !== undefined) this.consumerResumeTimer = setTimeout(() => this.resumeByConsumer(), ms);
  }

  /** The consumer's `resume()`; a running backoff still holds the partition. */
  resumeByConsumer(): void {
    clearTimeout(this.consumerResumeTimer);
    this.consumerPaused = false;
    if (!this.backingOff) this.host.resumePartition(this.kafkaTopic, this.ref.partition);
  }

  clearTimers(): void {
    clearTimeout(this.resumeTimer);
    clearTimeout(this.consumerResumeTimer);
    this.resumeTimer = this.consumerResumeTimer = undefined;
  }
}
