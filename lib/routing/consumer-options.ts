import type { Type } from '@nestjs/common';
import type { InitialOffset, IsolationLevel } from '../config/kafka-rules.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import type { Deserializer } from '../serialization/serialization.interfaces.js';

/** How a routed topic should look in Kafka (`karafka topics migrate` creates or grows it). */
export interface TopicDeclaration {
  /** Number of partitions. Default 1. */
  partitions?: number;
  /** Replication factor. Default 1. */
  replicationFactor?: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '86400000', 'cleanup.policy': 'compact' }`. */
  settings?: Record<string, string>;
}

/**
 * Where a message goes when `consume` keeps failing on it: after `maxRetries` retries at the
 * same offset, the message is produced (raw bytes, key and headers kept, plus `karafka_*`
 * headers saying where it came from and why) to `topic`, marked as consumed, and consuming
 * goes on with the next message. Without it a poison message pauses its partition until fixed.
 */
export interface DeadLetterOptions {
  /** Route topic of the dead letter queue (the topic mapper applies). */
  topic: string;
  /** Retries before dispatching. Default 3 (4 attempts in all). */
  maxRetries?: number;
}

/** Options of `@Consumer(topic, options)` and of a programmatic route. */
export interface ConsumerOptions {
  /** `consume` gets the whole fetched batch of a partition (true) or one message (false). Default false. */
  batch?: boolean;
  /** Consumer group name; the group id is `<clientId>_<group>`. Default 'app'. */
  group?: string;
  /** Deserializer of this topic (instance or injectable class). Default: the module's (JSON). */
  deserializer?: Deserializer | Type<Deserializer>;
  /** A DTO class: payloads are turned into validated instances (class-transformer + class-validator). */
  payload?: Type<object>;
  /** One consumer instance per partition, kept across batches. Default: module's consumerPersistence (true). */
  persistent?: boolean;
  /** Where to start without committed offsets. Default: module's initialOffset ('earliest'). */
  initialOffset?: InitialOffset;
  /** Nothing is marked automatically; call `markAsConsumed`. Default: !automaticallyMarkAsConsumed. */
  manualOffsets?: boolean;
  /** The topic's declaration for `karafka topics`. */
  config?: TopicDeclaration;
  /** Send messages that keep failing to a dead letter topic instead of retrying forever. */
  deadLetter?: DeadLetterOptions;
  /**
   * Exactly-once consume-transform-produce: each `consume` call runs in a Kafka transaction
   * holding its responses, what it sends through `this.producer`, and the offsets of its
   * messages; the transaction commits before the next call, and a failure aborts it and
   * retries. Readers with `read_committed` see each result once. Excludes `manualOffsets`.
   * Default false.
   */
  exactlyOnce?: boolean;
  /** What this route's group reads of transactional topics. Default: `consumer.isolationLevel`. */
  isolationLevel?: IsolationLevel;
}

/** A route declared in `KarafkaModule.forRoot({ routes })` instead of with @Consumer. */
export interface RouteDefinition extends ConsumerOptions {
  topic: string;
  consumer: Type<BaseConsumer>;
}
