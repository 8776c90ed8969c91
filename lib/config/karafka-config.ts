import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import type { RouteDefinition } from '../routing/consumer-options.js';
import type { Deserializer, Serializer } from '../serialization/serialization.interfaces.js';
import { KarafkaOptionsSchema } from './config.schema.js';
import { KarafkaConfigurationError } from './karafka-configuration.error.js';
import type {
  CommitOptions,
  ConsumerSettings,
  InitialOffset,
  KafkaConnectionOptions,
  KarafkaModuleOptions,
  PauseOptions,
  ProducerSettings,
} from './karafka-options.js';

/** KarafkaModuleOptions after validation, with every default filled in. */
export interface KarafkaConfig {
  readonly clientId: string;
  readonly kafka: KafkaConnectionOptions;
  readonly consumer: Required<ConsumerSettings>;
  readonly initialOffset: InitialOffset;
  readonly concurrency: number;
  readonly automaticallyMarkAsConsumed: boolean;
  readonly consumerPersistence: boolean;
  readonly pause: Required<PauseOptions>;
  readonly commit: Required<CommitOptions>;
  readonly shutdownTimeout: number;
  readonly topicMapper?: TopicMapper | Type<TopicMapper>;
  readonly deserializer?: Deserializer | Type<Deserializer>;
  readonly serializer?: Serializer | Type<Serializer>;
  readonly routes: readonly RouteDefinition[];
  readonly producer: Required<ProducerSettings>;
  readonly logger: boolean;
}

export const CONFIG_DEFAULTS = {
  consumer: {
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 60_000,
    maxBytes: 10 * 1024 * 1024,
    maxBytesPerPartition: 1024 * 1024,
    minBytes: 1,
    maxWaitTime: 500,
  },
  initialOffset: 'earliest',
  concurrency: 3,
  automaticallyMarkAsConsumed: true,
  consumerPersistence: true,
  pause: { timeout: 1_000, maxTimeout: 30_000, exponentialBackoff: true },
  commit: { interval: 5_000, threshold: 0 },
  shutdownTimeout: 60_000,
  producer: {
    acks: -1,
    idempotent: false,
    compression: 'none',
    lingerMs: 5,
    batchSize: 10_000,
    maxPayloadSize: 1_000_000,
    retries: 5,
  },
  logger: true,
} as const satisfies Omit<KarafkaConfig, 'clientId' | 'kafka' | 'routes'>;

/**
 * Validates the options and fills in defaults. Every problem is collected first and reported
 * in one KarafkaConfigurationError, so a user fixes the whole config in one go.
 */
export function resolveConfig(options: KarafkaModuleOptions): KarafkaConfig {
  if (options === null || typeof options !== 'object') {
    throw new KarafkaConfigurationError([
      'options: must be an object { clientId, kafka: { brokers } }',
    ]);
  }
  const schema = plainToInstance(KarafkaOptionsSchema, stripFunctions(options));
  const problems = validateSync(schema, { whitelist: true, forbidNonWhitelisted: true }).flatMap(
    (error) => flatten(error, ''),
  );
  problems.push(...crossFieldProblems(options));
  if (problems.length) throw new KarafkaConfigurationError(problems);

  return {
    clientId: options.clientId,
    kafka: options.kafka,
    consumer: { ...CONFIG_DEFAULTS.consumer, ...options.consumer },
    initialOffset: options.initialOffset ?? CONFIG_DEFAULTS.initialOffset,
    concurrency: options.concurrency ?? CONFIG_DEFAULTS.concurrency,
    automaticallyMarkAsConsumed:
      options.automaticallyMarkAsConsumed ?? CONFIG_DEFAULTS.automaticallyMarkAsConsumed,
    consumerPersistence: options.consumerPersistence ?? CONFIG_DEFAULTS.consumerPersistence,
    pause: { ...CONFIG_DEFAULTS.pause, ...options.pause },
    commit: { ...CONFIG_DEFAULTS.commit, ...options.commit },
    shutdownTimeout: options.shutdownTimeout ?? CONFIG_DEFAULTS.shutdownTimeout,
    topicMapper: options.topicMapper,
    deserializer: options.deserializer,
    serializer: options.serializer,
    routes: Object.freeze([...(options.routes ?? [])]),
    producer: { ...CONFIG_DEFAULTS.producer, ...options.producer },
    logger: options.logger ?? CONFIG_DEFAULTS.logger,
  };
}

/** Class instances (mappers, deserializers) and classes must reach validation untouched. */
function stripFunctions(options: KarafkaModuleOptions): Record<string, unknown> {
  const { topicMapper, deserializer, serializer, routes, ...rest } = options;
  return {
    ...rest,
    ...(topicMapper !== undefined && { topicMapper: true }),
    ...(deserializer !== undefined && { deserializer: true }),
    ...(serializer !== undefined && { serializer: true }),
    ...(routes !== undefined && { routes: Array.isArray(routes) ? [] : routes }),
  };
}

function flatten(error: ValidationError, parent: string): string[] {
  const path = /^\d+$/.test(error.property)
    ? `${parent}[${error.property}]`
    : parent
      ? `${parent}.${error.property}`
      : error.property;
  const own = Object.values(error.constraints ?? {}).map((reason) =>
    reason.includes('should not exist')
      ? `${path}: is not a known option`
      : `${path}: ${reason.replace(new RegExp(`^(each value in )?${escape(error.property)} `), '')}`,
  );
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, path))];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function crossFieldProblems(options: KarafkaModuleOptions): string[] {
  const problems: string[] = [];
  const pause = { ...CONFIG_DEFAULTS.pause, ...options.pause };
  if (
    typeof pause.timeout === 'number' &&
    typeof pause.maxTimeout === 'number' &&
    pause.timeout > pause.maxTimeout
  ) {
    problems.push('pause.timeout: must not exceed pause.maxTimeout');
  }
  const consumer = { ...CONFIG_DEFAULTS.consumer, ...options.consumer };
  if (
    typeof consumer.heartbeatInterval === 'number' &&
    typeof consumer.sessionTimeout === 'number' &&
    consumer.heartbeatInterval >= consumer.sessionTimeout
  ) {
    problems.push('consumer.heartbeatInterval: must be lower than consumer.sessionTimeout');
  }
  const brokers = options.kafka?.brokers;
  if (Array.isArray(brokers)) {
    brokers.forEach((broker, index) => {
      const port = typeof broker === 'string' ? Number(broker.split(':').pop()) : NaN;
      if (Number.isInteger(port) && (port < 1 || port > 65535)) {
        problems.push(`kafka.brokers[${index}]: port must be between 1 and 65535`);
      }
    });
  }
  checkPluggable(problems, 'topicMapper', options.topicMapper, ['incoming', 'outgoing']);
  checkPluggable(problems, 'deserializer', options.deserializer, ['deserialize']);
  checkPluggable(problems, 'serializer', options.serializer, ['serialize']);
  return problems;
}

function checkPluggable(problems: string[], name: string, value: unknown, methods: string[]): void {
  if (value === undefined || typeof value === 'function') return;
  const missing = methods.filter(
    (method) => typeof (value as Record<string, unknown> | null)?.[method] !== 'function',
  );
  if (missing.length) {
    problems.push(
      `${name}: must be a class or an object with ${methods.map((m) => `${m}()`).join(' and ')}`,
    );
  }
}
