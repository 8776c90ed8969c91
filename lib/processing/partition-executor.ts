import type { Batch } from 'kafkajs';
import { Message, type BatchContext } from '../messages/message.js';
import { Messages } from '../messages/messages.js';
import { ResponderDeliveryError, ResponderUsageError } from '../responders/responder.error.js';
import { ResponseBuffer } from '../responders/response-buffer.js';
import type { ConsumeCallInfo } from '../instrumentation/karafka-events.js';
import type { Producer } from '../producer/producer.js';
import type { ResolvedVirtualPartitions, Route } from '../routing/route.js';
import type { BaseConsumer, OnRevoked, OnShutdown } from './base-consumer.js';
import {
  directConsume,
  FAILURE_HANDLED,
  type ConsumeCall,
  type ConsumeCallScope,
} from './call-chain.js';
import { CONSUMER_RUNTIME, type ConsumerRuntime } from './consumer-runtime.js';
import { decodeAhead, type MessageParser } from './message-parser.js';
import { PartitionCoordinator } from './partition-coordinator.js';
import type { BatchControls, PartitionHost, PartitionRef } from './partition-host.js';
import type { PartitionScope, ProcessingStrategy } from './strategies/processing-strategy.js';
import { completedPrefix } from './virtual-partitions/completed-prefix.js';
import { splitBatch } from './virtual-partitions/split-batch.js';

export type { BatchControls, PartitionHost } from './partition-host.js';

/**
 * One consumer instance of the partition (kept across batches when persistent) with what its
 * `consume` calls buffer. A route with virtual partitions has one per virtual partition.
 */
interface ConsumerSlot {
  /** Set on routes with virtual partitions (0 .. max-1). */
  readonly virtualPartition?: number;
  readonly runtime: ConsumerRuntime;
  instance?: BaseConsumer;
  /** `respondTo` calls of the `consume` call in progress. */
  responses?: ResponseBuffer;
}

/** How a `consume` call ended: `SUCCEEDED`, or the error it failed with (already reported). */
const SUCCEEDED = Symbol('succeeded');
type CallOutcome = typeof SUCCEEDED | { readonly error: unknown };

/**
 * Runs one topic-partition: owns its consumer instances (kept across batches when persistent)
 * and turns fetched batches into `consume` calls: the whole batch, one message at a time, or,
 * with virtual partitions, one call per virtual partition, concurrently. Every call goes
 * through `run`. What happens after a failure is the route's strategy's decision; the
 * partition's pause/backoff/seek/collapse state is its coordinator's. Never throws: kafkajs
 * would then reprocess other partitions too.
 */
export class PartitionExecutor {
  /** Runs every call of routes without virtual partitions, and collapsed runs of those with. */
  private readonly main: ConsumerSlot;
  /** One per virtual partition (none without them). */
  private readonly virtualSlots: ConsumerSlot[];
  /** Last success of the fetched batch in progress, marked once per batch (or before a retry). */
  private pendingMark?: string;
  /** Virtual partitions: responses of the batch's calls, each validated, sent when all succeeded. */
  private virtualResponses: ResponseBuffer[] = [];
  private readonly virtual?: ResolvedVirtualPartitions;
  /** The producer sends of the running call go through (`this.producer`): the strategy's, if any. */
  private callProducer?: Producer;
  private readonly ref: PartitionRef;
  private readonly coordinator: PartitionCoordinator;
  private readonly scope: PartitionScope;
  private readonly callScope: ConsumeCallScope;
  /** The fetched batch in progress: its heartbeat is what the call chain's scope reaches. */
  private controls?: BatchControls;
  /** High watermark of the last fetched batch (the runtime snapshot's lag). */
  highWatermark?: string;
  /** Start of the `consume` call(s) in progress (epoch ms), for health's stuck-consume check. */
  consumingSince?: number;
  private callsInFlight = 0;

  constructor(
    readonly route: Route,
    readonly partition: number,
    private readonly host: PartitionHost,
    private readonly parse: MessageParser,
    private readonly strategy: ProcessingStrategy,
    /** The route's call chain (see call-chain.ts); the direct call when it has no links. */
    private readonly call: ConsumeCall = directConsume,
  ) {
    this.ref = { group: route.groupId, topic: route.topic, partition };
    this.coordinator = new PartitionCoordinator(host, route.kafkaTopic, this.ref);
    this.scope = { route, partition, host, coordinator: this.coordinator };
    this.virtual = route.virtualPartitions;
    this.main = this.createSlot(undefined);
    this.virtualSlots = Array.from({ length: this.virtual?.max ?? 0 }, (_, index) =>
      this.createSlot(index),
    );
    const callProducer = () => this.callProducer;
    this.callScope = {
      route,
      partition,
      get producer() {
        return callProducer() ?? host.producer;
      },
      heartbeat: () => this.controls?.heartbeat() ?? Promise.resolve(),
    };
  }

  /** Paused for backoff or by the consumer: fetched batches are not processed meanwhile. */
  get paused(): boolean {
    return this.coordinator.paused;
  }

  /** Paused by the consumer's `pause()` (or a command acting as the consumer). */
  get pausedByConsumer(): boolean {
    return this.coordinator.pausedByConsumer;
  }

  /**
   * A seek commanded from outside while no call runs (the web UI): the fetch moves there now,
   * and the strategy drops what guarded the old position (exactly-once would skip back).
   */
  seekIdle(offset: string): void {
    this.strategy.seeked?.(this.scope);
    this.host.seek(this.route.kafkaTopic, this.partition, offset);
  }

  /** The consumer's own pause/resume/seek, for commands from outside (the web UI). */
  get consumerControls(): Pick<ConsumerRuntime, 'pause' | 'resume' | 'seek'> {
    return this.main.runtime;
  }

  async process(batch: Batch, controls: BatchControls): Promise<void> {
    const context: { -readonly [K in keyof BatchContext]: BatchContext[K] } = {
      topic: this.route.topic,
      partition: this.partition,
      receivedAt: new Date(),
      parse: this.parse,
    };
    const list = batch.messages.map((raw) => new Message(raw, context));
    if (!list.length) return;
    const coordinator = this.coordinator;
    this.controls = controls;
    coordinator.received(list[0]!.offset);
    this.pendingMark = undefined;
    this.publishReceived(batch, list.length);
    this.highWatermark = batch.highWatermark;

    // kafkajs has no background heartbeat while eachBatch runs: keep the membership alive.
    const heartbeat = setInterval(
      () => void controls.heartbeat().catch(() => undefined),
      Math.max(100, Math.floor(this.host.config.consumer.heartbeatInterval / 2)),
    );
    const highWatermark = Number(batch.highWatermark);
    let done: Message | undefined;
    const main = this.main;
    try {
      if (this.strategy.beforeBatch && !(await this.beforeBatch(list))) return;
      await this.prepareBatch(list, context);
      if (this.virtual && !coordinator.inOrder) {
        done = await this.processVirtual(
          this.virtual,
          list,
          highWatermark,
          batch.highWatermark,
          controls,
        );
      } else if (this.route.batch && !coordinator.collapsed) {
        const outcome = await this.run(main, list, highWatermark, batch.highWatermark);
        if (outcome === SUCCEEDED) done = list[list.length - 1];
        else await this.fail(outcome.error, list);
      } else {
        for (let i = 0; i < list.length; i++) {
          const message = list[i]!;
          const outcome = await this.run(main, [message], highWatermark, batch.highWatermark);
          if (outcome !== SUCCEEDED) {
            await this.fail(outcome.error, [message]);
            break;
          }
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
      this.controls = undefined;
      coordinator.applySeek();
    }
  }

  /**
   * The strategy's look before a batch (exactly-once: claim the partition's transactional id,
   * skip what its transactions committed). False when the batch is not to be processed: a
   * failure was handled like a failed call, or the strategy asked to continue elsewhere.
   */
  private async beforeBatch(list: Message[]): Promise<boolean> {
    let continueAt: string | undefined;
    try {
      continueAt = await this.strategy.beforeBatch!(this.scope, list[0]!.offset);
    } catch (error) {
      this.report(error, undefined);
      await this.fail(error, list);
      return false;
    }
    if (continueAt === undefined) return true;
    this.coordinator.seekAfterBatch(continueAt);
    return false;
  }

  /**
   * The step before any `consume` call of a fetched batch. A route whose deserializer (or
   * payload schema) is async gets every payload decoded here, concurrently and in order, so
   * `message.payload` stays a plain property; sync routes keep the lazy path and pay nothing.
   */
  private async prepareBatch(
    list: readonly Message[],
    context: { parse: BatchContext['parse'] },
  ): Promise<void> {
    const { decode } = this.parse;
    if (this.parse.async && decode) context.parse = await decodeAhead(list, decode);
  }

  /**
   * A batch split into virtual partitions: one `consume` call per group (per message of it in
   * single mode), all groups concurrently, each in offset order on its own instance. Resolves
   * with the last message below which everything completed (what may be marked). A failure
   * leaves the rest of the batch to a retry without virtual partitions (collapsed).
   */
  private async processVirtual(
    virtual: ResolvedVirtualPartitions,
    list: Message[],
    highWatermark: number,
    rawHighWatermark: string,
    controls: BatchControls,
  ): Promise<Message | undefined> {
    const coordinator = this.coordinator;
    const groups = splitBatch(list, virtual);
    const done = groups.map(() => 0);
    let failure: { readonly error: unknown } | undefined;
    this.virtualResponses = [];
    await Promise.all(
      groups.map(async (group, i) => {
        const slot = this.virtualSlots[group.index]!;
        if (this.route.batch) {
          const outcome = await this.run(slot, group.messages, highWatermark, rawHighWatermark);
          if (outcome === SUCCEEDED) done[i] = group.messages.length;
          else failure ??= outcome;
          return;
        }
        for (const message of group.messages) {
          // Another group failed: what follows is retried collapsed anyway.
          if (failure) return;
          const outcome = await this.run(slot, [message], highWatermark, rawHighWatermark);
          if (outcome !== SUCCEEDED) {
            failure ??= outcome;
            return;
          }
          done[i]! += 1;
          if (coordinator.seekPending || coordinator.pausedByConsumer || !controls.isRunning())
            return;
        }
      }),
    );
    const last = list[list.length - 1]!;
    const responses = ResponseBuffer.concat(this.virtualResponses);
    this.virtualResponses = [];
    if (!failure && responses.size) {
      // All groups succeeded: their responses go out together, before anything is marked.
      try {
        await responses.send(this.host.producer, this.route, this.host.monitor, this.ref);
      } catch (error) {
        this.report(error, undefined);
        failure = { error };
      }
    }
    // The groups' responses were not sent: nothing of the batch may be marked then.
    const prefix = failure && responses.size ? undefined : completedPrefix(list, groups, done);
    if (failure) {
      if (prefix) this.strategy.markProcessed(this.scope, prefix.offset);
      coordinator.collapseInOrder(last.offset);
      const retryFrom = coordinator.firstUnmarked(list[0]!.offset, last.offset);
      coordinator.failed();
      const from = BigInt(retryFrom);
      const rest = list.filter((message) => BigInt(message.offset) >= from);
      await this.strategy.handleFailure(
        this.scope,
        failure.error,
        rest.length ? rest : list,
        retryFrom,
      );
      return prefix;
    }
    coordinator.succeeded();
    if (prefix !== last && !coordinator.seekPending) {
      // A group stopped early (pause, stop): go on after what completed.
      const next = prefix ? list[list.indexOf(prefix) + 1]! : list[0]!;
      coordinator.seekAfterBatch(next.offset);
    }
    return prefix;
  }

  /** One `consume` call on `slot`'s instance, through the same path whatever called it. */
  private async run(
    slot: ConsumerSlot,
    list: Message[],
    highWatermark: number,
    rawHighWatermark: string,
  ): Promise<CallOutcome> {
    const first = list[0]!;
    const last = list[list.length - 1]!;
    const monitor = this.host.monitor;
    // One clock read per call: a one-message call is short enough for clock reads to show.
    const now = Date.now();
    const messages = new Messages(list, {
      group: this.route.groupId,
      topic: this.route.topic,
      partition: this.partition,
      firstOffset: first.offset,
      lastOffset: last.offset,
      highWatermark: rawHighWatermark,
      lag: lagAfter(highWatermark, rawHighWatermark, last.offset),
      receivedAt: first.receivedAt,
      processedAt: new Date(now),
    });
    let payload: ConsumeCallInfo | undefined;
    let started = 0;
    if (monitor.hasListeners('consumer.consume') || monitor.hasListeners('consumer.consumed')) {
      payload = {
        ...this.ref,
        count: list.length,
        firstOffset: first.offset,
        lastOffset: last.offset,
      };
      if (slot.virtualPartition !== undefined) payload.virtualPartition = slot.virtualPartition;
      monitor.publish('consumer.consume', payload);
      started = performance.now();
    }

    // Virtual partitions overlap their calls: the earliest start of those in flight.
    if (this.callsInFlight++ === 0) this.consumingSince = now;
    try {
      const tracing = this.host.tracing;
      if (tracing) await tracing.wrapConsume(messages, () => this.inStrategy(slot, list, messages));
      else await this.inStrategy(slot, list, messages);
    } catch (error) {
      this.report(error, slot.virtualPartition);
      return { error };
    } finally {
      if (--this.callsInFlight === 0) this.consumingSince = undefined;
      slot.responses = undefined;
      this.callProducer = undefined;
      if (!this.route.persistent) slot.instance = undefined;
    }
    if (payload) monitor.publish('consumer.consumed', payload, performance.now() - started);
    if (slot.virtualPartition === undefined) this.coordinator.succeeded(last.offset);
    return SUCCEEDED;
  }

  /**
   * The call as the strategy runs it: exactly-once wraps it in a transaction of the partition's
   * producer, which `this.producer`, the call chain and the responses then send through.
   */
  private inStrategy(slot: ConsumerSlot, list: readonly Message[], messages: Messages) {
    if (!this.strategy.runCall) return this.consumeAndRespond(slot, messages, this.host.producer);
    return this.strategy.runCall(this.scope, list, (producer) => {
      this.callProducer = producer;
      return this.consumeAndRespond(slot, messages, producer);
    });
  }

  /**
   * `consume` through the route's call chain (enhancers), then its responses: validated for this
   * call (once, inside deliver) and delivered before anything is marked; with virtual partitions
   * validated now and sent when all groups succeeded. A failure an exception filter handled
   * counts as done: nothing of the failed call is delivered.
   */
  private async consumeAndRespond(
    slot: ConsumerSlot,
    messages: Messages,
    producer: Producer,
  ): Promise<void> {
    const instance = slot.instance ?? (await this.createInstance(slot));
    slot.responses = undefined;
    if ((await this.call(instance, messages, this.callScope)) === FAILURE_HANDLED) {
      slot.responses = undefined;
      return;
    }
    if (this.route.responders.length || slot.responses) {
      const responses = slot.responses ?? new ResponseBuffer();
      if (slot.virtualPartition === undefined) {
        await responses.deliver(producer, this.route, this.host.monitor, this.ref);
      } else {
        responses.validate(this.route);
        if (responses.size) this.virtualResponses.push(responses);
      }
    }
  }

  /** Since when the partition waits out a backoff (epoch ms). */
  get backingOffSince(): number | undefined {
    return this.coordinator.backingOffSince;
  }

  /** Consecutive failed `consume` calls. */
  get attempt(): number {
    return this.coordinator.attempt;
  }

  private report(error: unknown, virtualPartition: number | undefined): void {
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
      ...(virtualPartition === undefined ? {} : { virtualPartition }),
    });
  }

  /** A call without virtual partitions failed (reported already): the strategy decides the retry. */
  private async fail(error: unknown, list: readonly Message[]): Promise<void> {
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
    for (const slot of [this.main, ...this.virtualSlots])
      await this.callSlotHook(slot, hook, event, errorType);
  }

  private async callSlotHook(
    slot: ConsumerSlot,
    hook: 'onRevoked' | 'onShutdown',
    event: 'consumer.revoked' | 'consumer.shutdown',
    errorType: 'consumer.revoked.error' | 'consumer.shutdown.error',
  ): Promise<void> {
    const instance = slot.instance as (BaseConsumer & Partial<OnRevoked & OnShutdown>) | undefined;
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

  private async createInstance(slot: ConsumerSlot): Promise<BaseConsumer> {
    const instance = await this.route.moduleRef.create(this.route.consumerClass);
    instance[CONSUMER_RUNTIME] = slot.runtime;
    slot.instance = instance;
    return instance;
  }

  private createSlot(virtualPartition: number | undefined): ConsumerSlot {
    const slot: { virtualPartition?: number; runtime?: ConsumerRuntime } = {};
    if (virtualPartition !== undefined) slot.virtualPartition = virtualPartition;
    const full = slot as ConsumerSlot;
    slot.runtime = this.createRuntime(full);
    return full;
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
  private createRuntime(slot: ConsumerSlot): ConsumerRuntime {
    const { route, partition, host, coordinator } = this;
    const { kafkaTopic } = route;
    const callProducer = () => this.callProducer;
    return {
      topic: route.topic,
      groupId: route.groupId,
      partition,
      virtualPartition: slot.virtualPartition,
      get producer() {
        return callProducer() ?? host.producer;
      },
      heartbeat: () => this.controls?.heartbeat() ?? Promise.resolve(),
      markAsConsumed: (message) => host.committer.mark(kafkaTopic, partition, message.offset),
      markAsConsumedSync: async (message) => {
        host.committer.mark(kafkaTopic, partition, message.offset);
        await host.committer.commitOrThrow((topic, p) => topic === kafkaTopic && p === partition);
      },
      pause: (ms) => coordinator.pauseByConsumer(ms),
      resume: () => coordinator.resumeByConsumer(),
      seek: (offset) => coordinator.seekByConsumer(offset),
      respondTo: (topic, payload, options) => {
        (slot.responses ??= new ResponseBuffer()).add(topic, payload, options);
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
