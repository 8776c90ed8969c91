import type { Batch } from 'kafkajs';
import { Message, type BatchContext } from '../messages/message.js';
import { Messages } from '../messages/messages.js';
import { ResponderDeliveryError, ResponderUsageError } from '../responders/responder.error.js';
import { ResponseBuffer } from '../responders/response-buffer.js';
import type { Producer } from '../producer/producer.js';
import type { Route } from '../routing/route.js';
import type { BaseConsumer, OnRevoked, OnShutdown } from './base-consumer.js';
import { CONSUMER_RUNTIME, type ConsumerRuntime } from './consumer-runtime.js';
import { PartitionCoordinator } from './partition-coordinator.js';
import type { BatchControls, PartitionHost, PartitionRef } from './partition-host.js';
import type { PartitionScope, ProcessingStrategy } from './strategies/processing-strategy.js';

export type { BatchControls, PartitionHost } from './partition-host.js';

/**
 * Runs one topic-partition: owns its consumer instance (kept across batches when persistent)
 * and turns fetched batches into `consume` calls. What happens after a call is the route's
 * strategy's decision; the partition's pause/backoff/seek state is its coordinator's. Never
 * throws: kafkajs would then reprocess other partitions too.
 */
export class PartitionExecutor {
  private instance?: BaseConsumer;
  /** Last success of the fetched batch in progress, marked once per batch (or before a retry). */
  private pendingMark?: string;
  private responses?: ResponseBuffer;
  /** The producer sends of the running call go through (`this.producer`): the strategy's, if any. */
  private callProducer?: Producer;
  private readonly ref: PartitionRef;
  private readonly runtime: ConsumerRuntime;
  private readonly coordinator: PartitionCoordinator;
  private readonly scope: PartitionScope;

  constructor(
    readonly route: Route,
    readonly partition: number,
    private readonly host: PartitionHost,
    private readonly parse: (message: Message) => unknown,
    private readonly strategy: ProcessingStrategy,
  ) {
    this.ref = { group: route.groupId, topic: route.topic, partition };
    this.coordinator = new PartitionCoordinator(host, route.kafkaTopic, this.ref);
    this.scope = { route, partition, host, coordinator: this.coordinator };
    this.runtime = this.createRuntime();
  }

  /** Paused for backoff or by the consumer: fetched batches are not processed meanwhile. */
  get paused(): boolean {
    return this.coordinator.paused;
  }

  async process(batch: Batch, controls: BatchControls): Promise<void> {
    const context: BatchContext = {
      topic: this.route.topic,
      partition: this.partition,
      receivedAt: new Date(),
      parse: this.parse,
    };
    const list = batch.messages.map((raw) => new Message(raw, context));
    if (!list.length) return;
    const coordinator = this.coordinator;
    coordinator.received(list[0]!.offset);
    this.pendingMark = undefined;
    this.publishReceived(batch, list.length);
    if (this.strategy.beforeBatch && !(await this.prepare(list))) return;

    // kafkajs has no background heartbeat while eachBatch runs: keep the membership alive.
    const heartbeat = setInterval(
      () => void controls.heartbeat().catch(() => undefined),
      Math.max(100, Math.floor(this.host.config.consumer.heartbeatInterval / 2)),
    );
    const highWatermark = Number(batch.highWatermark);
    let done: Message | undefined;
    try {
      if (this.route.batch && !coordinator.collapsed) {
        if (await this.run(list, highWatermark, batch.highWatermark)) done = list[list.length - 1];
      } else {
        for (let i = 0; i < list.length; i++) {
          const message = list[i]!;
          if (!(await this.run([message], highWatermark, batch.highWatermark))) break;
          done = message;
          this.pendingMark = message.offset;
          // kafkajs' isStale() builds a key per call: a rebalance is rare, checking every few messages is enough.
          if (
            coordinator.seekPending ||
            !controls.isRunning() ||
            (i % 32 === 31 && controls.isStale())
          )
            break;
          if (coordinator.pausedByConsumer) {
            // Stop here; after resume the fetch continues with the next message.
            if (i + 1 < list.length) coordinator.seekAfterBatch(list[i + 1]!.offset);
            break;
          }
        }
      }
    } finally {
      clearInterval(heartbeat);
      if (done) {
        coordinator.processedUpTo(done.offset);
        this.strategy.markProcessed(this.scope, done.offset);
        // The fetch position moves on unless a seek or a backoff rewinds it; what gets
        // committed is only what was marked.
        if (!coordinator.seekPending && !coordinator.backingOffNow) {
          controls.resolveOffset(done.offset);
        }
      }
      this.pendingMark = undefined;
      coordinator.applySeek();
    }
  }

  /** The strategy's look before a batch: false when the batch is not to be processed. */
  private async prepare(list: Message[]): Promise<boolean> {
    let continueAt: string | undefined;
    try {
      continueAt = await this.strategy.beforeBatch!(this.scope, list[0]!.offset);
    } catch (error) {
      await this.fail(error, list);
      return false;
    }
    if (continueAt === undefined) return true;
    this.coordinator.seekAfterBatch(continueAt);
    this.coordinator.applySeek();
    return false;
  }

  /** One `consume` call. Resolves false when it failed (the strategy then decided the retry). */
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
      const call = async (producer: Producer) => {
        await instance.consume(messages);
        if (this.route.responders.length || this.responses) {
          // Responses are validated for this call (once, inside deliver), then delivered before
          // anything is marked.
          const responses = this.responses ?? new ResponseBuffer();
          await responses.deliver(producer, this.route, this.host.monitor, this.ref);
        }
      };
      if (this.strategy.runCall) {
        await this.strategy.runCall(this.scope, list, (producer) => {
          this.callProducer = producer;
          return call(producer);
        });
      } else await call(this.host.producer);
    } catch (error) {
      await this.fail(error, list);
      return false;
    } finally {
      this.responses = undefined;
      this.callProducer = undefined;
      if (!this.route.persistent) this.instance = undefined;
    }
    if (payload) monitor.publish('consumer.consumed', payload, performance.now() - started);
    this.coordinator.succeeded();
    return true;
  }

  private async fail(error: unknown, list: readonly Message[]): Promise<void> {
    this.host.monitor.publish('error.occurred', {
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
    if (this.pendingMark !== undefined) this.strategy.markProcessed(this.scope, this.pendingMark);
    const retryFrom = this.coordinator.firstUnmarked(
      list[0]!.offset,
      list[list.length - 1]!.offset,
    );
    this.coordinator.failed();
    await this.strategy.handleFailure(this.scope, error, list, retryFrom);
  }

  /** The partition was taken away: `onRevoked`, then this executor is dropped. */
  async revoke(): Promise<void> {
    this.clearTimers();
    await this.callHook('onRevoked', 'consumer.revoked', 'consumer.revoked.error');
    await this.strategy.release?.(this.scope);
  }

  /** The server stops: `onShutdown` on the kept instance. */
  async shutdown(): Promise<void> {
    this.clearTimers();
    await this.callHook('onShutdown', 'consumer.shutdown', 'consumer.shutdown.error');
    await this.strategy.release?.(this.scope);
  }

  clearTimers(): void {
    this.coordinator.clearTimers();
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

  private publishReceived(batch: Batch, count: number): void {
    if (!this.host.monitor.hasListeners('connection.listener.fetch_loop.received')) return;
    this.host.monitor.publish('connection.listener.fetch_loop.received', {
      ...this.ref,
      count,
      highWatermark: batch.highWatermark,
    });
  }

  /** What BaseConsumer's methods reach: marks, pause/seek through the coordinator, responses. */
  private createRuntime(): ConsumerRuntime {
    const { route, partition, host, coordinator } = this;
    const { kafkaTopic } = route;
    const callProducer = () => this.callProducer;
    return {
      topic: route.topic,
      groupId: route.groupId,
      partition,
      get producer() {
        return callProducer() ?? host.producer;
      },
      markAsConsumed: (message) => host.committer.mark(kafkaTopic, partition, message.offset),
      markAsConsumedSync: async (message) => {
        host.committer.mark(kafkaTopic, partition, message.offset);
        await host.committer.commitOrThrow((topic, p) => topic === kafkaTopic && p === partition);
      },
      pause: (ms) => coordinator.pauseByConsumer(ms),
      resume: () => coordinator.resumeByConsumer(),
      seek: (offset) => coordinator.seekByConsumer(offset),
      respondTo: (topic, payload, options) => {
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
