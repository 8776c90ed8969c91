import type { Type } from '@nestjs/common';
import type { InitialOffset, IsolationLevel } from '../config/kafka-rules.js';
import type { Message } from '../messages/message.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import type { StandardSchemaV1 } from '../validation/standard-schema.js';
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
  /**
   * Retries before dispatching. Default 3: the message is moved once it was in 4 failed calls
   * (in batch mode the batch's failed call counts; the batch is then replayed one by one).
   */
  maxRetries?: number;
}

/**
 * Virtual partitions: a fetched batch of one partition is split by `partitioner` into up to
 * `max` groups that are consumed concurrently, each by its own consumer instance, in offset
 * order within each group. For consumers that wait on I/O per message (HTTP calls, database
 * writes): one Kafka partition then keeps `max` calls in flight instead of one.
 * Only the highest offset below which every message completed is marked; a failure retries
 * the rest of the batch without virtual partitions (collapsed, in order).
 */
export interface VirtualPartitionsOptions {
  /**
   * The value that must keep its order (messages with the same value go to the same virtual
   * partition, in offset order). Default: the message key; messages without a key are spread
   * evenly (their order is not kept, as Kafka does not keep it across partitions either).
   */
  partitioner?: (message: Message) => string | number | null | undefined;
  /** At most this many virtual partitions (concurrent `consume` calls) per Kafka partition. */
  max: number;
  /**
   * How values are spread. `'consistent'` (default): a value always goes to the same virtual
   * partition (so to the same consumer instance), but a few busy values can make one group much
   * longer than the others. `'balanced'`: each batch's values are spread so the groups get an
   * even share of messages (the order of a value is still kept; its instance may change).
   */
  distribution?: 'consistent' | 'balanced';
}

/** Options of `@Consumer(topic, options)` and of a programmatic route. */
export interface ConsumerOptions {
  /** `consume` gets the whole fetched batch of a partition (true) or one message (false). Default false. */
  batch?: boolean;
  /** Consumer group name; the group id is `<clientId>_<group>`. Default 'app'. */
  group?: string;
  /** Deserializer of this topic (instance or injectable class). Default: the module's (JSON). */
  deserializer?: Deserializer | Type<Deserializer>;
  /**
   * What a payload must be: a DTO class (payloads become validated instances through
   * class-transformer + class-validator) or a Standard Schema (zod, valibot, arktype, ...: the
   * payload is the schema's output). A payload that fails is a deserialization error.
   */
  payload?: Type<object> | StandardSchemaV1;
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
   * retries. Readers with `read_committed` see each result once. Excludes `manualOffsets` and
   * `virtualPartitions`. Default false.
   */
  exactlyOnce?: boolean;
  /** What this route's group reads of transactional topics. Default: `consumer.isolationLevel`. */
  isolationLevel?: IsolationLevel;
  /** Consume each fetched batch in up to `max` concurrent groups (see VirtualPartitionsOptions). */
  virtualPartitions?: VirtualPartitionsOptions;
}

/** A route declared in `KarafkaModule.forRoot({ routes })` instead of with @Consumer. */
export interface RouteDefinition extends ConsumerOptions {
  topic: string;
  consumer: Type<BaseConsumer>;
}
