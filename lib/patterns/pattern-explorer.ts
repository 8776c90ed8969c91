import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { Transport } from '@nestjs/microservices';
import { KAFKA_NAME_PATTERN } from '../config/kafka-rules.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import type { RouteDefinition } from '../routing/consumer-options.js';
import { KarafkaRoutingError } from '../routing/routing.error.js';
import { KARAFKA_ROUTE_METADATA, type KarafkaRouteOptions } from './karafka-route.decorator.js';
import { patternConsumerClass, type PatternHandlerInfo } from './pattern-consumer.js';
import type { PatternHandlers } from './pattern-handlers.js';

// @nestjs/microservices' metadata keys (PATTERN_METADATA, PATTERN_HANDLER_METADATA,
// TRANSPORT_METADATA), the same in Nest 11 and 12; `PatternHandler.EVENT` is 2.
const PATTERN_METADATA = 'microservices:pattern';
const PATTERN_HANDLER_METADATA = 'microservices:handler_type';
const TRANSPORT_METADATA = 'microservices:transport';
const EVENT_HANDLER = 2;

const KNOWN_OPTIONS = new Set([
  'groupId',
  'batch',
  'initialOffset',
  'deserializer',
  'deadLetter',
  'config',
  'exactlyOnce',
  'isolationLevel',
]);

/** A pattern handler as a route candidate of the routes explorer. */
export interface PatternCandidate {
  topic: string;
  definition: RouteDefinition;
  moduleRef: ModuleRef;
  groupId: string;
  pattern: PatternHandlerInfo;
}

export interface PatternExploration {
  /** Default group id (the `patternGroupId` config). */
  groupId: string;
  handlers: PatternHandlers;
  topicMapper: TopicMapper;
  moduleRefOf(wrapper: InstanceWrapper): ModuleRef;
}

/**
 * Finds the `@EventPattern` / `@MessagePattern` handlers of the app's controllers (for the
 * Kafka transport or for any) and makes each pattern a route: topic = pattern, consumer = a
 * class that calls the handler Nest registered with KarafkaServer. Event handlers of one
 * pattern in several controllers share one route: Nest chains them into one handler.
 */
export function explorePatternHandlers(
  controllers: readonly InstanceWrapper[],
  exploration: PatternExploration,
): PatternCandidate[] {
  const scanner = new MetadataScanner();
  const candidates = new Map<string, PatternCandidate>();
  const seen = new Set<Type>();
  for (const wrapper of controllers) {
    const metatype = wrapper.metatype as Type | undefined;
    if (typeof metatype !== 'function' || seen.has(metatype)) continue;
    seen.add(metatype);
    const prototype = metatype.prototype as Record<string, unknown>;
    for (const method of scanner.getAllMethodNames(prototype)) {
      const callback = prototype[method];
      if (typeof callback !== 'function') continue;
      const patterns = Reflect.getMetadata(PATTERN_METADATA, callback) as unknown[] | undefined;
      if (!patterns) continue;
      const transport = Reflect.getMetadata(TRANSPORT_METADATA, callback) as unknown;
      if (transport !== undefined && transport !== Transport.KAFKA) continue;
      const owner = `${metatype.name}.${method}`;
      const kind =
        Reflect.getMetadata(PATTERN_HANDLER_METADATA, callback) === EVENT_HANDLER
          ? 'event'
          : 'message';
      const options = routeOptions(callback, owner);
      if (options.batch && kind === 'message') {
        throw new KarafkaRoutingError(
          `${owner}: @KarafkaRoute({ batch: true }) works on @EventPattern handlers only; a ` +
            `@MessagePattern handler answers each request with its own reply.`,
        );
      }
      for (const pattern of patterns) {
        if (typeof pattern !== 'string') {
          throw new KarafkaRoutingError(
            `${owner}: pattern ${JSON.stringify(pattern)} is not a topic name. On Kafka a ` +
              `pattern is the topic: use @${kind === 'event' ? 'EventPattern' : 'MessagePattern'}('topic_name').`,
          );
        }
        const groupId = options.groupId ?? exploration.groupId;
        const key = `${groupId}\u0000${pattern}`;
        const previous = candidates.get(key);
        if (previous) {
          if (kind === 'event' && previous.pattern.kind === 'event') continue;
          throw new KarafkaRoutingError(
            `Pattern "${pattern}" has two handlers in consumer group "${groupId}": ` +
              `${previous.pattern.controller}.${previous.pattern.method} and ${owner}. A ` +
              `@MessagePattern answers once: keep one, or give one another @KarafkaRoute({ groupId }).`,
          );
        }
        const info: PatternHandlerInfo = {
          kind,
          pattern,
          controller: metatype.name,
          method,
        };
        const batch = options.batch ?? false;
        const { groupId: _groupId, ...consumerOptions } = options;
        candidates.set(key, {
          topic: pattern,
          groupId,
          pattern: info,
          moduleRef: exploration.moduleRefOf(wrapper),
          definition: {
            ...consumerOptions,
            batch,
            group: groupId,
            topic: pattern,
            consumer: patternConsumerClass(
              info,
              batch,
              exploration.handlers,
              exploration.topicMapper,
            ),
          },
        });
      }
    }
  }
  return [...candidates.values()];
}

function routeOptions(callback: object, owner: string): KarafkaRouteOptions {
  const options = (Reflect.getMetadata(KARAFKA_ROUTE_METADATA, callback) ??
    {}) as KarafkaRouteOptions;
  if (typeof options !== 'object' || options === null) {
    throw new KarafkaRoutingError(`${owner}: @KarafkaRoute takes an options object.`);
  }
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key));
  if (unknown.length) {
    throw new KarafkaRoutingError(
      `${owner}: unknown @KarafkaRoute option(s) ${unknown.join(', ')}; known: ` +
        `${[...KNOWN_OPTIONS].join(', ')}.`,
    );
  }
  if (
    options.groupId !== undefined &&
    (typeof options.groupId !== 'string' || !KAFKA_NAME_PATTERN.test(options.groupId))
  ) {
    throw new KarafkaRoutingError(
      `${owner}: @KarafkaRoute groupId ${JSON.stringify(options.groupId)} is not a valid ` +
        `consumer group id (letters, digits, '.', '_', '-').`,
    );
  }
  return options;
}
