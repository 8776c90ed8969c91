import type { Message } from '../messages/message.js';
import type { Producer } from '../producer/producer.js';
import type { RespondToOptions } from '../responders/respond-to-options.js';

/**
 * What the framework attaches to each consumer instance (one per topic-partition). BaseConsumer
 * delegates to it, so consumer classes stay plain Nest providers with their own constructors.
 */
export interface ConsumerRuntime {
  /** Route topic (after the topic mapper's `incoming`). */
  readonly topic: string;
  /** Kafka consumer group id. */
  readonly groupId: string;
  readonly partition: number;
  /** The virtual partition (0 .. max-1) this instance serves; undefined without them. */
  readonly virtualPartition?: number;
  readonly producer: Producer;
  /** Tells the group coordinator this member is alive (kafkajs has no background heartbeat). */
  heartbeat(): Promise<void>;
  /** Marks the message (and those before it); committed with the next commit. */
  markAsConsumed(message: Message): void;
  /** Marks the message and commits now; rejects when Kafka refuses the commit. */
  markAsConsumedSync(message: Message): Promise<void>;
  /** Pauses the partition for `ms`, or until `resume()`. */
  pause(ms?: number): void;
  /** Resumes the partition. */
  resume(): void;
  /** The next batch of the partition starts at `offset`. */
  seek(offset: string | number | bigint): void;
  /** Buffers a response to a topic declared with `@Responds`; sent when `consume` returns. */
  respondTo(topic: string, payload: unknown, options?: RespondToOptions): void;
}

export const CONSUMER_RUNTIME = Symbol('karafka.consumerRuntime');

/**
 * Set by the routes explorer on the provider instances Nest made of consumer classes: their
 * module's onModuleDestroy then stops consuming first (see BaseConsumer.onModuleDestroy).
 */
export const STOP_CONSUMING = Symbol('karafka.stopConsuming');
