import { SetMetadata, type Type } from '@nestjs/common';
import type { InitialOffset, IsolationLevel } from '../config/kafka-rules.js';
import type { DeadLetterOptions, TopicDeclaration } from '../routing/consumer-options.js';
import type { Deserializer } from '../serialization/serialization.interfaces.js';

/** Where `@KarafkaRoute` keeps its options: on the handler method. */
export const KARAFKA_ROUTE_METADATA = 'karafka:patternRoute';

/** How an `@EventPattern` / `@MessagePattern` handler is consumed on `KarafkaServer`. */
export interface KarafkaRouteOptions {
  /**
   * Kafka consumer group id of this handler, exactly as given (no clientId prefix). Default:
   * the `patternGroupId` config (`nestjs-group-server`, the group Nest's `ServerKafka` uses).
   */
  groupId?: string;
  /**
   * `@EventPattern` only: call the handler once per fetched batch of a partition; its payload is
   * then the array of the batch's payloads and `@Ctx()` carries the `Messages`. Default false.
   */
  batch?: boolean;
  /** Where a group without committed offsets starts. Default: the config's `initialOffset`. */
  initialOffset?: InitialOffset;
  /** Payload deserializer. Default: Nest's Kafka format (JSON objects/arrays, else the text). */
  deserializer?: Deserializer | Type<Deserializer>;
  /** Send messages whose handler keeps failing to a dead letter topic. */
  deadLetter?: DeadLetterOptions;
  /** How the topic should look in Kafka (`karafka topics migrate`). */
  config?: TopicDeclaration;
  /**
   * Run each handler call in a Kafka transaction with its replies, what it sends through
   * `context.getProducer()`, and its offsets (see README, Exactly-once). Default false.
   */
  exactlyOnce?: boolean;
  /** What this handler's group reads of transactional topics. Default: `consumer.isolationLevel`. */
  isolationLevel?: IsolationLevel;
}

/**
 * Options of one `@EventPattern(topic)` / `@MessagePattern(topic)` handler on `KarafkaServer`:
 * its consumer group, batches, initial offset, deserializer, dead letter topic, exactly-once,
 * isolation level. Only stores
 * metadata; the routes explorer reads it at bootstrap.
 */
export function KarafkaRoute(options: KarafkaRouteOptions): MethodDecorator {
  return SetMetadata(KARAFKA_ROUTE_METADATA, options);
}
