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
  readonly producer: Producer;
  markAsConsumed(message: Message): void;
  markAsConsumedSync(message: Message): Promise<void>;
  pause(ms?: number): void;
  resume(): void;
  seek(offset: string | number | bigint): void;
  respondTo(topic: string, payload: unknown, options?: RespondToOptions): void;
}

export const CONSUMER_RUNTIME = Symbol('karafka.consumerRuntime');

/**
 * Set by the routes explorer on the provider instances Nest made of consumer classes: their
 * module's onModuleDestroy then stops consuming first (see BaseConsumer.onModuleDestroy).
 */
export const STOP_CONSUMING = Symbol('karafka.stopConsuming');
