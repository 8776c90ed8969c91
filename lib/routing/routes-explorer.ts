import { Inject, Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { Module } from '@nestjs/core/injector/module.js';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { Monitor } from '../instrumentation/monitor.js';
import type { KarafkaModuleOptions } from '../karafka-module-options.js';
import {
  KARAFKA_CONFIG,
  KARAFKA_DESERIALIZER,
  KARAFKA_MODULE_OPTIONS,
  KARAFKA_SERIALIZER,
} from '../karafka.constants.js';
import { TopicMapper } from '../mapping/topic-mapper.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import { STOP_CONSUMING } from '../processing/consumer-runtime.js';
import { ConsumingStop } from '../processing/consuming-stop.js';
import type { ResponderDeclaration } from '../responders/responder-declaration.js';
import type { Deserializer, Serializer } from '../serialization/serialization.interfaces.js';
import {
  CONSUMER_METADATA,
  DEFAULT_DEAD_LETTER_RETRIES,
  DEFAULT_GROUP,
  RESPONDS_METADATA,
} from './constants.js';
import type { Message } from '../messages/message.js';
import type { ConsumerMetadata } from './consumer.decorator.js';
import type { RouteDefinition } from './consumer-options.js';
import type { ResolvedResponder, Route } from './route.js';
import { RouteRegistry } from './route-registry.js';
import { RouteTable } from './route-table.js';
import {
  validateConsumerOptions,
  validateResponders,
  validateTopicName,
} from './route-validation.js';
import { KarafkaRoutingError } from './routing.error.js';
import { explorePatternHandlers } from '../patterns/pattern-explorer.js';
import type { PatternHandlerInfo } from '../patterns/pattern-consumer.js';
import { PatternHandlers } from '../patterns/pattern-handlers.js';
import { NestKafkaDeserializer } from '../patterns/nest-kafka.deserializer.js';

interface Candidate {
  topic: string;
  definition: RouteDefinition;
  moduleRef: ModuleRef;
  /** Pattern handlers: their exact Kafka group id and what they are. */
  groupId?: string;
  pattern?: PatternHandlerInfo;
}

/**
 * The one place where routes are discovered: providers decorated with `@Consumer` plus the
 * programmatic `routes` of the config. Builds the immutable RouteTable at module init, so a
 * routing mistake stops the app at boot with a message naming the class and the topic.
 */
@Injectable()
export class RoutesExplorer implements OnModuleInit {
  private building?: Promise<RouteTable>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly registry: RouteRegistry,
    private readonly consumingStop: ConsumingStop,
    private readonly monitor: Monitor,
    private readonly topicMapper: TopicMapper,
    private readonly patternHandlers: PatternHandlers,
    @Inject(KARAFKA_CONFIG) private readonly config: KarafkaConfig,
    @Inject(KARAFKA_MODULE_OPTIONS) private readonly options: KarafkaModuleOptions,
    @Inject(KARAFKA_DESERIALIZER) private readonly defaultDeserializer: Deserializer,
    @Inject(KARAFKA_SERIALIZER) private readonly defaultSerializer: Serializer,
  ) {}

  /** The programmatic routes of forRoot (validated as an array with the config). */
  private get definitions(): readonly RouteDefinition[] {
    return this.options.routes ?? [];
  }

  async onModuleInit(): Promise<void> {
    await this.ensureBuilt();
  }

  /**
   * Builds the table once. Also called by KarafkaServer.start(): Nest's documented order
   * (`connectMicroservice`, `startAllMicroservices`, then `listen`) starts the transport before
   * `app.init()` has run the module-init hooks.
   */
  ensureBuilt(): Promise<RouteTable> {
    this.building ??= this.explore().then((table) => {
      this.registry.set(table);
      this.monitor.publish('app.initialized', {
        groups: table.groups.map((group) => group.id),
        topics: table.routes.map((route) => route.topic),
      });
      return table;
    });
    return this.building;
  }

  async explore(): Promise<RouteTable> {
    const candidates: Candidate[] = [
      ...this.decoratedCandidates(),
      ...this.programmaticCandidates(),
      ...explorePatternHandlers(this.discovery.getControllers(), {
        groupId: this.config.patternGroupId,
        handlers: this.patternHandlers,
        topicMapper: this.topicMapper,
        moduleRefOf: (wrapper) => hostModuleRef(wrapper) ?? this.moduleRef,
      }),
    ];
    const routes: Route[] = [];
    // Keyed by Kafka topic: that is what a group subscribes to and what RouteTable.find looks up,
    // so two route topics that a topic mapper maps onto one Kafka topic collide as well.
    const seen = new Map<string, Route>();
    for (const candidate of candidates) {
      const route = await this.resolve(candidate);
      const key = `${route.groupId}\u0000${route.kafkaTopic}`;
      const previous = seen.get(key);
      if (previous) {
        const topics =
          previous.topic === route.topic
            ? `Topic "${route.topic}"`
            : `Topics "${previous.topic}" and "${route.topic}" (both Kafka topic "${route.kafkaTopic}")`;
        throw new KarafkaRoutingError(
          `${topics} routed twice in consumer group "${route.group}": to ${previous.consumerClass.name} and to ` +
            `${route.consumerClass.name}. A topic has one consumer per group; use another group for the second.`,
        );
      }
      seen.set(key, route);
      routes.push(route);
    }
    checkGroupIsolation(routes);
    this.checkStrayResponders();
    this.linkConsumerProviders(new Set(routes.map((route) => route.consumerClass)));
    return new RouteTable(routes);
  }

  private decoratedCandidates(): Candidate[] {
    return this.consumerWrappers().flatMap((wrapper) => {
      const metatype = wrapper.metatype as Type<BaseConsumer>;
      const metadata = Reflect.getOwnMetadata(CONSUMER_METADATA, metatype) as ConsumerMetadata[];
      return metadata.map(({ topic, options }) => ({
        topic,
        definition: { ...options, topic, consumer: metatype },
        moduleRef: hostModuleRef(wrapper) ?? this.moduleRef,
      }));
    });
  }

  private programmaticCandidates(): Candidate[] {
    return this.definitions.map((definition, index) => {
      if (
        !definition ||
        typeof definition !== 'object' ||
        typeof definition.consumer !== 'function'
      ) {
        throw new KarafkaRoutingError(
          `routes[${index}] (topic "${String(definition?.topic)}"): needs a consumer class, e.g. ` +
            `{ topic: 'events', consumer: EventsConsumer }.`,
        );
      }
      const wrapper = this.discovery.getProviders().find((w) => w.metatype === definition.consumer);
      return {
        topic: definition.topic,
        definition,
        moduleRef: (wrapper && hostModuleRef(wrapper)) ?? this.moduleRef,
      };
    });
  }

  private consumerWrappers(): InstanceWrapper[] {
    const unique = new Map<object, InstanceWrapper>();
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype;
      if (typeof metatype !== 'function' || !Reflect.hasOwnMetadata(CONSUMER_METADATA, metatype))
        continue;
      if (!unique.has(metatype)) unique.set(metatype, wrapper);
    }
    return [...unique.values()];
  }

  private async resolve({
    topic,
    definition,
    moduleRef,
    groupId,
    pattern,
  }: Candidate): Promise<Route> {
    const consumerClass = definition.consumer;
    const name = consumerClass.name || 'anonymous consumer class';
    validateTopicName(topic, `${name}`);
    validateConsumerOptions(definition, name, topic);
    if (typeof consumerClass.prototype?.consume !== 'function') {
      throw new KarafkaRoutingError(
        `${name} (topic "${topic}") has no consume() method. Extend BaseConsumer and implement ` +
          `async consume(messages) { ... }.`,
      );
    }
    const declarations =
      (Reflect.getOwnMetadata(RESPONDS_METADATA, consumerClass) as
        ResponderDeclaration[] | undefined) ?? [];
    validateResponders(declarations, name);

    const group = definition.group ?? DEFAULT_GROUP;
    const responders: ResolvedResponder[] = [];
    for (const declaration of declarations) {
      responders.push({
        ...declaration,
        kafkaTopic: this.topicMapper.outgoing(declaration.topic),
        serializer: declaration.serializer
          ? await instantiate<Serializer>(declaration.serializer, moduleRef)
          : this.defaultSerializer,
      });
    }
    const exactlyOnce = definition.exactlyOnce ?? false;
    // Exactly-once commits the offsets in its transactions: the config's default of manual
    // marking does not apply to it (an explicit manualOffsets was refused above).
    const manualOffsets = exactlyOnce
      ? false
      : (definition.manualOffsets ?? !this.config.automaticallyMarkAsConsumed);
    if (manualOffsets && definition.virtualPartitions) {
      // A mark in one virtual partition would also commit the unfinished messages of the others.
      throw new KarafkaRoutingError(
        `${name} (topic "${topic}"): virtualPartitions cannot be combined with manual offsets ` +
          `(manualOffsets or automaticallyMarkAsConsumed: false): a mark in one virtual partition ` +
          `would commit messages the other virtual partitions have not processed yet.`,
      );
    }
    const kafkaTopic = this.topicMapper.outgoing(topic);
    if (kafkaTopic !== topic)
      validateTopicName(kafkaTopic, `${name} (topic "${topic}" mapped by the topic mapper)`);
    return Object.freeze({
      topic,
      kafkaTopic,
      group,
      groupId: groupId ?? `${this.config.clientId}_${group}`,
      consumerClass,
      batch: definition.batch ?? false,
      persistent: definition.persistent ?? this.config.consumerPersistence,
      initialOffset: definition.initialOffset ?? this.config.initialOffset,
      manualOffsets,
      exactlyOnce,
      isolationLevel: definition.isolationLevel ?? this.config.consumer.isolationLevel,
      deserializer: definition.deserializer
        ? await instantiate<Deserializer>(definition.deserializer, moduleRef)
        : pattern
          ? nestKafkaDeserializer
          : this.defaultDeserializer,
      payload: definition.payload,
      config: definition.config,
      deadLetter: definition.deadLetter && {
        topic: definition.deadLetter.topic,
        maxRetries: definition.deadLetter.maxRetries ?? DEFAULT_DEAD_LETTER_RETRIES,
      },
      virtualPartitions: definition.virtualPartitions && {
        partitioner: definition.virtualPartitions.partitioner ?? keyOf,
        max: definition.virtualPartitions.max,
        distribution: definition.virtualPartitions.distribution ?? 'consistent',
        byKey: definition.virtualPartitions.partitioner === undefined,
      },
      responders: Object.freeze(responders),
      ...(pattern && { pattern }),
      moduleRef,
    });
  }

  /** See BaseConsumer.onModuleDestroy: Nest's own instances of consumer classes stop consuming. */
  private linkConsumerProviders(classes: Set<unknown>): void {
    const stop = () => this.consumingStop.stop();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<symbol, unknown> | undefined;
      if (
        wrapper.metatype &&
        classes.has(wrapper.metatype) &&
        instance &&
        typeof instance === 'object'
      ) {
        instance[STOP_CONSUMING] = stop;
      }
    }
  }

  /** @Responds without @Consumer would silently do nothing: refuse it. */
  private checkStrayResponders(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const metatype = wrapper.metatype;
      if (typeof metatype !== 'function') continue;
      if (!Reflect.hasOwnMetadata(RESPONDS_METADATA, metatype)) continue;
      const routed =
        Reflect.hasOwnMetadata(CONSUMER_METADATA, metatype) ||
        this.definitions.some((route) => route.consumer === metatype);
      if (!routed) {
        const topics = (
          Reflect.getOwnMetadata(RESPONDS_METADATA, metatype) as ResponderDeclaration[]
        )
          .map((declaration) => `'${declaration.topic}'`)
          .join(', ');
        throw new KarafkaRoutingError(
          `${metatype.name} has @Responds(${topics}) but consumes no topic: add @Consumer(topic) to it ` +
            `or list it in forRoot({ routes }).`,
        );
      }
    }
  }
}

/** A group has one kafkajs consumer, hence one isolation level for all its routes. */
function checkGroupIsolation(routes: readonly Route[]): void {
  const first = new Map<string, Route>();
  for (const route of routes) {
    const other = first.get(route.groupId);
    if (!other) first.set(route.groupId, route);
    else if (other.isolationLevel !== route.isolationLevel) {
      throw new KarafkaRoutingError(
        `Consumer group "${route.group}" mixes isolation levels: ${other.consumerClass.name} ` +
          `(topic "${other.topic}") reads ${other.isolationLevel}, ${route.consumerClass.name} ` +
          `(topic "${route.topic}") ${route.isolationLevel}. A group shares one consumer: give ` +
          `its routes the same isolationLevel, or put one of them in another group.`,
      );
    }
  }
}

/** Each Nest module has its own ModuleRef; creating instances through it gives them that module's DI. */
function hostModuleRef(wrapper: InstanceWrapper): ModuleRef | undefined {
  const host = wrapper.host as Module | undefined;
  return host?.getProviderByKey(ModuleRef)?.instance as ModuleRef | undefined;
}

/** An instance is used as is; a class is taken from DI when registered, else created with DI. */
export async function instantiate<T>(value: T | Type<T>, moduleRef: ModuleRef): Promise<T> {
  if (typeof value !== 'function') return value;
  try {
    return moduleRef.get(value as Type<T>, { strict: false });
  } catch {
    return moduleRef.create(value as Type<T>);
  }
}

const nestKafkaDeserializer = new NestKafkaDeserializer();

/** The default partitioner of virtual partitions: the message key. */
function keyOf(message: Message): string | null {
  return message.key;
}
