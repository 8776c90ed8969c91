import type { Batch } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import type { OffsetCommitter } from '../connection/offset-committer.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { BatchContext } from '../messages/batch-context.js';
import { Message } from '../messages/message.js';
import { Messages } from '../messages/messages.js';
import type { Producer } from '../producer/producer.js';
import type { RespondToOptions } from '../responders/respond-to-options.js';
import {
  ResponderDeliveryError,
  ResponderUsageError,
} from '../responders/responder-usage.error.js';
import { ResponseBuffer } from '../responders/response-buffer.js';
import type { Route } from '../routing/route.js';
import { backoffDelay } from './backoff.js';
import type { BaseConsumer, OnRevoked, OnShutdown } from './base-consumer.js';
import { CONSUMER_RUNTIME, type ConsumerRuntime } from './consumer-runtime.js';

/** The parts of kafkajs' eachBatch payload the executor uses. */
export interface BatchControls {
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

/** What the executor needs from its consumer group (the connection side). */
export interface PartitionHost {
  readonly config: KarafkaConfig;
  readonly monitor: Monitor;
  readonly producer: Producer;
  readonly committer: OffsetCommitter;
  pausePartition(kafkaTopic: string, partition: number): void;
  resumePartition(kafkaTopic: string, partition: number): void;
  seek(kafkaTopic: string, partition: number, offset: string): void;
}

/**
 * Runs one topic-partition: owns its consumer instance (kept across batches when persistent),
 * turns fetched batches into `consume` calls, marks what succeeded, and on failure pauses the
 * partition with backoff and rewinds to the first unmarked message. Never throws: kafkajs
 * would then reprocess other partitions too.
 */
export class PartitionExecutor {
  private instance?: BaseConsumer;
  private attempt = 0;
  private resumeTimer?: NodeJS.Timeout;
  private userResumeTimer?: NodeJS.Timeout;
  private backingOff = false;
  private userPaused = false;
  /** Set after a batch exhausted its retries on a dead-letter route: replay it one by one. */
  private collapseUntil?: bigint;
  private seekTo?: string;
  private userSeeked = false;
  /** First offset this instance was given since its partition was assigned. */
  private firstSeen?: string;
  /** Last success of the fetched batch in progress, marked once per batch (or before a retry). */
  private pendingMark?: string;
  private responses?: ResponseBuffer;
  private readonly ref: { group: string; topic: string; partition: number };
  private readonly runtime: ConsumerRuntime;

  constructor(
    readonly route: Route,
    readonly partition: number,
    private readonly host: PartitionHost,
    private readonly parse: (message: Message) => unknown,
  ) {
    this.ref = { group: route.groupId, topic: route.topic, partition };
    this.runtime = this.createRuntime();
  }

  /** Paused for backoff or by the consumer: fetched batches are not processed meanwhile. */
  get paused(): boolean {
    return this.backingOff || this.userPaused;
  }

  async process(batch: Batch, controls: BatchControls): Promise<void> {
    const receivedAt = new Date();
    const context: BatchContext = {
      route: this.route,
      partition: this.partition,
      receivedAt,
      monitor: this.host.monitor,
      parse: this.parse,
    };
    const list = batch.messages.map((raw) => new Message(raw, context));
    if (!list.length) return;
    this.firstSeen ??= list[0]!.offset;
    this.pendingMark = undefined;
    this.publishReceived(batch, list.length);

    // kafkajs has no background heartbeat while eachBatch runs: keep the membership alive.
    const heartbeat = setInterval(
      () => void controls.heartbeat().catch(() => undefined),
      Math.max(100, Math.floor(this.host.config.consumer.heartbeatInterval / 2)),
    );
    const highWatermark = Number(batch.highWatermark);
    let done: Message | undefined;
    try {
      if (this.route.batch && this.collapseUntil === undefined) {
        if (await this.run(list, highWatermark, batch.highWatermark)) done = list[list.length - 1];
      } else {
        for (let i = 0; i < list.length; i++) {
          const message = list[i]!;
          if (!(await this.run([message], highWatermark, batch.highWatermark))) break;
          done = message;
          this.pendingMark = message.offset;
          // kafkajs' isStale() builds a key per call: a rebalance is rare, checking every few messages is enough.
          if (
            this.seekTo !== undefined ||
            !controls.isRunning() ||
            (i % 32 === 31 && controls.isStale())
          )
            break;
          if (this.userPaused) {
            // Stop here; after resume the fetch continues with the next message.
            if (i + 1 < list.length) this.seekTo = list[i + 1]!.offset;
            break;
          }
        }
      }
    } finally {
      clearInterval(heartbeat);
      if (done && this.collapseUntil !== undefined && BigInt(done.offset) >= this.collapseUntil) {
        this.collapseUntil = undefined;
      }
      if (done) this.complete(done, controls);
      this.pendingMark = undefined;
      this.applySeek();
    }
  }

  /**
   * After the successful `consume` calls of a fetched batch: mark (unless manual) and move the
   * fetch position on. Once per batch, not per message: both cost kafkajs and us a few allocations.
   */
  private complete(last: Message, controls: BatchControls): void {
    // After the consumer's own seek() nothing is marked automatically: it may have rewound to
    // process messages again, and a crash before that must bring them back.
    if (!this.route.manualOffsets && !this.userSeeked)
      this.host.committer.mark(this.route.kafkaTopic, this.partition, last.offset);
    // The fetch position always moves on; what gets committed is only what was marked.
    if (this.seekTo === undefined && !this.backingOff) controls.resolveOffset(last.offset);
  }

  /** One `consume` call. Resolves false when it failed (the partition then backs off). */
  private async run(
    list: Message[],
    highWatermark: number,
    rawHighWatermark: string,
  ): Promise<boolean> {
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const monitor = this.host.monitor;
    const messages = new Messages(list, {
      group: this.route.groupId,
      topic: this.route.topic,
      partition: this.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      highWatermark: rawHighWatermark,
      lag: lagAfter(highWatermark, rawHighWatermark, last.offset),
      receivedAt: first.receivedAt,
      processedAt: new Date(),
    });
    const payload =
      monitor.hasListeners('consumer.consume') || monitor.hasListeners('consumer.consumed')
        ? { ...this.ref, count: list.length, firstOffset: first.offset, lastOffset: last.offset }
        : undefined;
    if (payload) monitor.publish('consumer.consume', payload);

    const started = performance.now();
    try {
      const instance = this.instance ?? (await this.createInstance());
      this.responses = undefined;
      await instance.consume(messages);
      if (this.route.responders.length || this.responses) {
        // Responses are validated for this call, then delivered before anything is marked.
        const responses = this.responses ?? new ResponseBuffer();
        responses.validate(this.route);
        await responses.deliver(this.host.producer, this.route, this.host.monitor, this.ref);
      }
    } catch (error) {
      await this.fail(error, list);
      return false;
    } finally {
      this.responses = undefined;
      if (!this.route.persistent) this.instance = undefined;
    }
    if (payload) monitor.publish('consumer.consumed', payload, performance.now() - started);
    this.attempt = 0;
    return true;
  }

  private async fail(error: unknown, list: readonly Message[]): Promise<void> {
    const monitor = this.host.monitor;
    monitor.publish('error.occurred', {
      type:
        error instanceof ResponderUsageError
          ? 'responder.usage.error'
          : error instanceof ResponderDeliveryError
            ? 'responder.delivery.error'
            : 'consumer.consume.error',
      error,
      ...this.ref,
      consumer: this.route.consumerClass.name,
    });
    // Successes earlier in this fetched batch are marked before deciding where to retry from.
    if (this.pendingMark !== undefined && !this.route.manualOffsets && !this.userSeeked) {
      this.host.committer.mark(this.route.kafkaTopic, this.partition, this.pendingMark);
    }
    const retryFrom = this.firstUnmarked(list[0]!.offset, list[list.length - 1]!.offset);
    this.attempt += 1;
    this.seekTo = undefined;
    if (await this.deadLetter(error, list, retryFrom)) return;

    const timeout = backoffDelay(this.attempt, this.host.config.pause);
    this.backingOff = true;
    this.host.pausePartition(this.route.kafkaTopic, this.partition);
    this.host.seek(this.route.kafkaTopic, this.partition, retryFrom);
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
      if (!this.userPaused) this.host.resumePartition(this.route.kafkaTopic, this.partition);
    }, timeout);
  }

  /**
   * Where a retry starts: the first message not marked. With manual offsets that may lie in an
   * earlier batch (the consumer did not mark what it did there), or be the first message this
   * instance ever got. A consumer that seeked back before marked messages retries its call.
   */
  private firstUnmarked(first: string, last: string): string {
    const lastMarked = this.host.committer.lastMarked(this.route.kafkaTopic, this.partition);
    if (lastMarked === undefined) {
      return this.firstSeen !== undefined && BigInt(this.firstSeen) < BigInt(first)
        ? this.firstSeen
        : first;
    }
    return lastMarked >= BigInt(last) ? first : (lastMarked + 1n).toString();
  }

  /**
   * Retries exhausted on a route with a dead letter topic. A batch is first replayed one message
   * at a time (from `retryFrom` to its end), so that only the message that fails on its own,
   * after its own retries, is moved: it is produced to the dead letter topic, marked, and
   * consuming goes on after it. Resolves true when it took over from the backoff.
   */
  private async deadLetter(
    error: unknown,
    list: readonly Message[],
    retryFrom: string,
  ): Promise<boolean> {
    const target = this.route.deadLetter;
    if (!target || this.attempt <= target.maxRetries) return false;
    if (list.length > 1) {
      this.collapseUntil = BigInt(list[list.length - 1]!.offset);
      this.attempt = 0;
      this.seekTo = retryFrom;
      return true;
    }
    const poison = list[0]!;
    try {
      await this.host.producer.produceSync({
        topic: target.topic,
        payload: poison.raw,
        key: poison.rawKey,
        headers: this.deadLetterHeaders(poison, error),
      });
    } catch (dispatchError) {
      this.host.monitor.publish('error.occurred', {
        type: 'consumer.dead_letter.error',
        error: dispatchError,
        ...this.ref,
        consumer: this.route.consumerClass.name,
      });
      return false;
    }
    // With manual offsets only the consumer marks: the dispatch moves past the message, a
    // restart before the consumer marks something later brings it back (at-least-once).
    if (!this.route.manualOffsets) {
      this.host.committer.mark(this.route.kafkaTopic, this.partition, poison.offset);
    }
    this.host.monitor.publish('dead_letter_queue.dispatched', {
      ...this.ref,
      offset: poison.offset,
      deadLetterTopic: target.topic,
      attempts: this.attempt,
      error,
    });
    this.attempt = 0;
    this.seekTo = (BigInt(poison.offset) + 1n).toString();
    return true;
  }

  private deadLetterHeaders(message: Message, error: unknown): Record<string, string | Buffer> {
    const headers: Record<string, string | Buffer> = {};
    for (const [name, value] of Object.entries(message.rawHeaders)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (first !== undefined) headers[name] = first;
    }
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return {
      ...headers,
      karafka_original_topic: this.route.topic,
      karafka_original_partition: String(this.partition),
      karafka_original_offset: message.offset,
      karafka_original_consumer_group: this.route.groupId,
      karafka_attempts: String(this.attempt),
      karafka_error: reason.slice(0, 1000),
    };
  }

  /** The partition was taken away: `onRevoked`, then this executor is dropped. */
  async revoke(): Promise<void> {
    this.clearTimers();
    await this.callHook('onRevoked', 'consumer.revoked', 'consumer.revoked.error');
  }

  /** The server stops: `onShutdown` on the kept instance. */
  async shutdown(): Promise<void> {
    this.clearTimers();
    await this.callHook('onShutdown', 'consumer.shutdown', 'consumer.shutdown.error');
  }

  clearTimers(): void {
    clearTimeout(this.resumeTimer);
    clearTimeout(this.userResumeTimer);
    this.resumeTimer = this.userResumeTimer = undefined;
  }

  private async callHook(
    hook: 'onRevoked' | 'onShutdown',
    event: 'consumer.revoked' | 'consumer.shutdown',
    errorType: 'consumer.revoked.error' | 'consumer.shutdown.error',
  ): Promise<void> {
    const instance = this.instance as (BaseConsumer & Partial<OnRevoked & OnShutdown>) | undefined;
    const fn = instance?.[hook];
    if (!instance || typeof fn !== 'function') return;
    try {
      await fn.call(instance);
      this.host.monitor.publish(event, this.ref);
    } catch (error) {
      this.host.monitor.publish('error.occurred', {
        type: errorType,
        error,
        ...this.ref,
        consumer: instance.constructor.name,
      });
    }
  }

  private async createInstance(): Promise<BaseConsumer> {
    const instance = await this.route.moduleRef.create(this.route.consumerClass);
    instance[CONSUMER_RUNTIME] = this.runtime;
    this.instance = instance;
    return instance;
  }

  private applySeek(): void {
    this.userSeeked = false;
    if (this.seekTo === undefined) return;
    this.host.seek(this.route.kafkaTopic, this.partition, this.seekTo);
    this.seekTo = undefined;
  }

  private publishReceived(batch: Batch, count: number): void {
    if (!this.host.monitor.hasListeners('connection.listener.fetch_loop.received')) return;
    this.host.monitor.publish('connection.listener.fetch_loop.received', {
      ...this.ref,
      count,
      highWatermark: batch.highWatermark,
    });
  }

  private createRuntime(): ConsumerRuntime {
    const { route, partition, host } = this;
    const resume = (): void => {
      clearTimeout(this.userResumeTimer);
      this.userPaused = false;
      if (!this.backingOff) host.resumePartition(route.kafkaTopic, partition);
    };
    return {
      route,
      partition,
      get producer() {
        return host.producer;
      },
      markAsConsumed: (message) => host.committer.mark(route.kafkaTopic, partition, message.offset),
      markAsConsumedSync: async (message) => {
        host.committer.mark(route.kafkaTopic, partition, message.offset);
        await host.committer.commitOrThrow(
          (topic, p) => topic === route.kafkaTopic && p === partition,
        );
      },
      pause: (ms) => {
        this.userPaused = true;
        host.pausePartition(route.kafkaTopic, partition);
        clearTimeout(this.userResumeTimer);
        if (ms !== undefined) this.userResumeTimer = setTimeout(resume, ms);
      },
      resume,
      seek: (offset) => {
        this.seekTo = BigInt(offset).toString();
        this.userSeeked = true;
      },
      respondTo: (topic: string, payload: unknown, options?: RespondToOptions) => {
        (this.responses ??= new ResponseBuffer()).add(topic, payload, options);
      },
    };
  }
}

/** Messages behind the high watermark after `lastOffset`; BigInt only past 2^53. */
function lagAfter(highWatermark: number, rawHighWatermark: string, lastOffset: string): number {
  if (Number.isSafeInteger(highWatermark) && lastOffset.length < 16) {
    return Math.max(0, highWatermark - Number(lastOffset) - 1);
  }
  return Math.max(0, Number(BigInt(rawHighWatermark) - BigInt(lastOffset) - 1n));
}
