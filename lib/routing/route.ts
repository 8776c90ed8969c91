import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { InitialOffset, IsolationLevel } from '../config/kafka-rules.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import type { ResponderDeclaration } from '../responders/responder-declaration.js';
import type { Deserializer, Serializer } from '../serialization/serialization.interfaces.js';
import type { TopicDeclaration } from './consumer-options.js';

/** A declared response topic, with its serializer resolved. */
export interface ResolvedResponder extends ResponderDeclaration {
  readonly serializer: Serializer;
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
  readonly payload?: Type<object>;
  readonly config?: TopicDeclaration;
  /** Dead letter queue, with maxRetries resolved. */
  readonly deadLetter?: { readonly topic: string; readonly maxRetries: number };
  readonly responders: readonly ResolvedResponder[];
  /** The ModuleRef of the module that declares the consumer: instances are created there, with its DI. */
  readonly moduleRef: ModuleRef;
}

/** The routes of one Kafka consumer group. */
export interface ConsumerGroupRoutes {
  readonly id: string;
  readonly name: string;
  readonly routes: readonly Route[];
}
