import type { Message } from '../messages/message.js';
import type { Messages } from '../messages/messages.js';
import type { Producer } from '../producer/producer.js';
import type { RespondToOptions } from '../responders/respond-to-options.js';
import { KarafkaError } from '../errors/karafka.error.js';
import { CONSUMER_RUNTIME, STOP_CONSUMING, type ConsumerRuntime } from './consumer-runtime.js';

/**
 * Base class of consumers. Extend it, decorate the class with `@Consumer(topic, options)`,
 * list it as a provider, and implement `consume`. Constructor injection works as in any
 * provider. One instance serves one topic-partition (kept across batches when persistent).
 *
 * `consume` always receives `Messages`: the fetched batch of the partition with
 * `batch: true`, a single message (size 1) with `batch: false`.
 *
 * Lifecycle hooks are opt-in interfaces, as in Nest: implement `OnRevoked` and/or `OnShutdown`.
 */
export abstract class BaseConsumer<T = unknown> {
  /** Set by the framework before the first `consume`. */
  [CONSUMER_RUNTIME]?: ConsumerRuntime;
  /** Set by the framework on the provider instance Nest made of this class. */
  [STOP_CONSUMING]?: () => Promise<unknown>;

  /**
   * Nest destroys global modules (KarafkaModule) after the app's own modules. This hook of the
   * consumer's provider runs with its module, before the modules it imports (a database, a
   * client) are destroyed: consuming stops gracefully here, so no batch runs on closed
   * resources. Overriding it? Call `await super.onModuleDestroy()`.
   */
  async onModuleDestroy(): Promise<void> {
    await this[STOP_CONSUMING]?.();
  }

  /**
   * Your logic: called with each fetched batch of the partition (`batch: true`) or with one
   * message at a time. Throwing pauses the partition with backoff and retries. Further
   * parameters are filled by parameter decorators (`@Ctx()`, custom ones; see README "Guards,
   * interceptors, pipes and filters").
   */
  abstract consume(messages: Messages<T>, ...params: unknown[]): Promise<void> | void;

  /** Route topic this instance consumes. */
  get topic(): string {
    return this.runtime.topic;
  }

  get partition(): number {
    return this.runtime.partition;
  }

  /**
   * With `virtualPartitions`: which virtual partition (0 .. max-1) this instance serves
   * (undefined without them, and on the instance that runs a batch retried collapsed, in
   * offset order, after a failure).
   */
  get virtualPartition(): number | undefined {
    return this.runtime.virtualPartition;
  }

  /** Consumer group id. */
  get groupId(): string {
    return this.runtime.groupId;
  }

  /** The application's Producer. */
  get producer(): Producer {
    return this.runtime.producer;
  }

  /**
   * Marks the message (and those before it in this partition) as processed. It is committed
   * with the next commit (interval/threshold, revoke, shutdown). Needed with `manualOffsets`.
   */
  markAsConsumed(message: Message<T>): void {
    this.runtime.markAsConsumed(message as Message);
  }

  /** Marks and commits now; resolves once Kafka has the offset, rejects when Kafka refused it. */
  markAsConsumedSync(message: Message<T>): Promise<void> {
    return this.runtime.markAsConsumedSync(message as Message);
  }

  /**
   * Pauses this partition (for `ms`, or until `resume()`). With `batch: true` the current batch
   * was already handed over; with `batch: false` no further message of it is consumed, and after
   * the pause consuming goes on with the next one.
   */
  pause(ms?: number): void {
    this.runtime.pause(ms);
  }

  /** Resumes this partition after `pause()`. */
  resume(): void {
    this.runtime.resume();
  }

  /** Moves this partition's position: the next batch starts at `offset`. */
  seek(offset: string | number | bigint): void {
    this.runtime.seek(offset);
  }

  /**
   * Buffers a response to a topic declared with `@Responds`. Validated and sent when
   * `consume` returns, before the offsets are marked.
   */
  respondTo(topic: string, payload: unknown, options?: RespondToOptions): void {
    this.runtime.respondTo(topic, payload, options);
  }

  private get runtime(): ConsumerRuntime {
    const runtime = this[CONSUMER_RUNTIME];
    if (!runtime) {
      throw new KarafkaError(
        `${this.constructor.name} is not attached to a partition yet: topic, producer, markAsConsumed, ` +
          `pause, seek and respondTo work inside consume(), onRevoked() and onShutdown().`,
      );
    }
    return runtime;
  }
}

/** Implement to be told when this instance's partition is taken away in a rebalance. */
export interface OnRevoked {
  /** Called when a rebalance takes this instance's partition away. */
  onRevoked(): Promise<void> | void;
}

/** Implement to be told when the server stops, after in-flight batches finished. */
export interface OnShutdown {
  /** Called when the server stops, after in-flight batches finished. */
  onShutdown(): Promise<void> | void;
}
