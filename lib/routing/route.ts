import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { InitialOffset, IsolationLevel } from '../config/kafka-rules.js';
import type { Message } from '../messages/message.js';
import type { PatternHandlerInfo } from '../patterns/pattern-consumer.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import type { ResponderDeclaration } from '../responders/responder-declaration.js';
import type { Deserializer, Serializer } from '../serialization/serialization.interfaces.js';
import type { StandardSchemaV1 } from '../validation/standard-schema.js';
import type { TopicDeclaration } from './consumer-options.js';

/** A declared response topic, with its serializer resolved. */
export interface ResolvedResponder extends ResponderDeclaration {
  readonly serializer: Serializer;
  /** The topic in Kafka (the topic mapper's `outgoing(topic)`); serializers may depend on it. */
  readonly kafkaTopic?: string;
}

/** A route's virtual partitions, with the default partitioner (the message key) filled in. */
export interface ResolvedVirtualPartitions {
  /** The value whose order is kept (messages with the same value share a virtual partition). */
  readonly partitioner: (message: Message) => string | number | null | undefined;
  /** At most this many virtual partitions per Kafka partition. */
  readonly max: number;
  /** `consistent`: a value keeps its virtual partition; `balanced`: even shares per batch. */
  readonly distribution: 'consistent' | 'balanced';
  /**
   * Set when the partitioner is the default (the message key): the split then hashes the key's
   * bytes as fetched instead of decoding each key to a string and encoding it back.
   */
  readonly byKey?: boolean;
}

/** One routed topic, fully resolved at bootstrap. Immutable. */
export interface Route {
  /** Topic name as routes and consumers see it. */
  readonly topic: string;
  /** Topic name in Kafka (the topic mapper's `outgoing(topic)`). */
  readonly kafkaTopic: string;
  /** Group name as declared (`app` by default). */
  readonly group: string;
  /** Kafka consumer group id: `<clientId>_<group>`. */
  readonly groupId: string;
  readonly consumerClass: Type<BaseConsumer>;
  readonly batch: boolean;
  readonly persistent: boolean;
  readonly initialOffset: InitialOffset;
  readonly manualOffsets: boolean;
  /** Each `consume` call, its responses and its offsets commit in one Kafka transaction. */
  readonly exactlyOnce: boolean;
  /** What the group's consumer reads of transactional topics (the same for a group's routes). */
  readonly isolationLevel: IsolationLevel;
  readonly deserializer: Deserializer;
  /** The payload check: a DTO class or a Standard Schema. */
  readonly payload?: Type<object> | StandardSchemaV1;
  readonly config?: TopicDeclaration;
  /** Dead letter queue, with maxRetries resolved. */
  readonly deadLetter?: { readonly topic: string; readonly maxRetries: number };
  /** Virtual partitions, with the default partitioner filled in. */
  readonly virtualPartitions?: ResolvedVirtualPartitions;
  readonly responders: readonly ResolvedResponder[];
  /** Set when the route is a Nest `@EventPattern` / `@MessagePattern` handler. */
  readonly pattern?: PatternHandlerInfo;
  /** The ModuleRef of the module that declares the consumer: instances are created there, with its DI. */
  readonly moduleRef: ModuleRef;
}

/** The routes of one Kafka consumer group. */
export interface ConsumerGroupRoutes {
  readonly id: string;
  readonly name: string;
  readonly routes: readonly Route[];
}
