import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import type { Deserializer, Serializer } from '../serialization/serialization.interfaces.js';
import { BROKER_PATTERN, KarafkaOptionsSchema } from './config.schema.js';
import { KarafkaConfigurationError } from './karafka-configuration.error.js';
import type {
  CommitOptions,
  ConsumerSettings,
  InitialOffset,
  KafkaConnectionOptions,
  KarafkaSettings,
  PauseOptions,
  ProducerSettings,
} from './karafka-options.js';

/** KarafkaSettings after validation, with every default filled in. */
export interface KarafkaConfig {
  readonly clientId: string;
  readonly kafka: KafkaConnectionOptions;
  readonly consumer: Required<ConsumerSettings>;
  readonly initialOffset: InitialOffset;
  readonly concurrency: number;
  readonly automaticallyMarkAsConsumed: boolean;
  readonly consumerPersistence: boolean;
  readonly patternGroupId: string;
  readonly pause: Required<PauseOptions>;
  readonly commit: Required<CommitOptions>;
  readonly shutdownTimeout: number;
  readonly topicMapper?: TopicMapper | Type<TopicMapper>;
  readonly deserializer?: Deserializer | Type<Deserializer>;
  readonly serializer?: Serializer | Type<Serializer>;
  readonly producer: ResolvedProducerSettings;
  readonly logger: boolean;
}

/** The producer settings with defaults; `transactionalId` stays optional (none: not transactional). */
export type ResolvedProducerSettings = Required<Omit<ProducerSettings, 'transactionalId'>> &
  Pick<ProducerSettings, 'transactionalId'>;

/** The value of every optional setting that the options leave out (README: Configuration). */
export const CONFIG_DEFAULTS = {
  consumer: {
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    rebalanceTimeout: 60_000,
    maxBytes: 10 * 1024 * 1024,
    maxBytesPerPartition: 1024 * 1024,
    minBytes: 1,
    maxWaitTime: 500,
    isolationLevel: 'read_committed',
  },
  initialOffset: 'earliest',
  concurrency: 3,
  automaticallyMarkAsConsumed: true,
  consumerPersistence: true,
  patternGroupId: 'nestjs-group-server',
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
} as const satisfies Omit<KarafkaConfig, 'clientId' | 'kafka'>;

/**
 * The settings, possibly inside the module options: their `routes` are validated here as part
 * of the one config error (must be an array) and otherwise left to routing.
 */
export type ResolvableOptions = KarafkaSettings & { readonly routes?: unknown };

/**
 * Validates the options and fills in defaults. Every problem is collected first and reported
 * in one KarafkaConfigurationError, so a user fixes the whole config in one go.
 */
export function resolveConfig(options: ResolvableOptions): KarafkaConfig {
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
    consumer: withDefaults(CONFIG_DEFAULTS.consumer, options.consumer),
    initialOffset: options.initialOffset ?? CONFIG_DEFAULTS.initialOffset,
    concurrency: options.concurrency ?? CONFIG_DEFAULTS.concurrency,
    automaticallyMarkAsConsumed:
      options.automaticallyMarkAsConsumed ?? CONFIG_DEFAULTS.automaticallyMarkAsConsumed,
    consumerPersistence: options.consumerPersistence ?? CONFIG_DEFAULTS.consumerPersistence,
    patternGroupId: options.patternGroupId ?? CONFIG_DEFAULTS.patternGroupId,
    pause: withDefaults(CONFIG_DEFAULTS.pause, options.pause),
    commit: withDefaults(CONFIG_DEFAULTS.commit, options.commit),
    shutdownTimeout: options.shutdownTimeout ?? CONFIG_DEFAULTS.shutdownTimeout,
    topicMapper: options.topicMapper,
    deserializer: options.deserializer,
    serializer: options.serializer,
    producer: producerSettings(options.producer),
    logger: options.logger ?? CONFIG_DEFAULTS.logger,
  };
}

/** A transactional producer is idempotent (Kafka's transactions build on it). */
function producerSettings(given: ProducerSettings | undefined): ResolvedProducerSettings {
  const settings: ResolvedProducerSettings = withDefaults<ProducerSettings>(
    CONFIG_DEFAULTS.producer as Required<ProducerSettings>,
    given,
  );
  return settings.transactionalId !== undefined ? { ...settings, idempotent: true } : settings;
}

/**
 * `{ ...defaults, ...given }` would let an explicit `undefined` (`sessionTimeout: env.X ? ... :
 * undefined`) replace the default; a key given as undefined keeps the default instead.
 */
function withDefaults<T extends object>(
  defaults: Required<T>,
  given: T | null | undefined,
): Required<T> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as Required<T>;
}

/** Class instances (mappers, deserializers) and classes must reach validation untouched. */
function stripFunctions(options: ResolvableOptions): Record<string, unknown> {
  const { topicMapper, deserializer, serializer, routes, ...rest } = options;
  return {
    ...rest,
    ...(topicMapper !== undefined && { topicMapper: true }),
    ...(deserializer !== undefined && { deserializer: true }),
    ...(serializer !== undefined && { serializer: true }),
    ...(routes !== undefined && { routes: Array.isArray(routes) ? [] : routes }),
  };
}

/**
 * One `path: reason` line per invalid property. class-validator runs a property's checks
 * bottom-up and reports each failing one with the property name in front ("clientId must be a
 * string"); the line keeps only the first failing check in the order the schema writes them
 * (the type check), since the others say nothing useful about a value of the wrong type; a
 * missing required value only says that it is required.
 */
function flatten(error: ValidationError, parent: string): string[] {
  const path = /^\d+$/.test(error.property)
    ? `${parent}[${error.property}]`
    : parent
      ? `${parent}.${error.property}`
      : error.property;
  const constraints = error.constraints ?? {};
  const own: string[] = [];
  if ('whitelistValidation' in constraints) {
    own.push(`${path}: is not a known option`);
  } else {
    const { nestedValidation, ...checks } = constraints;
    const first = checks.isDefined ?? Object.values(checks).reverse()[0];
    if (first !== undefined) own.push(`${path}: ${withoutPropertyName(first, error.property)}`);
    else if (nestedValidation !== undefined) own.push(`${path}: must be an object`);
  }
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, path))];
}

function withoutPropertyName(reason: string, property: string): string {
  return reason.replace(new RegExp(`^(each value in )?${escape(property)} `), '');
}

/** kafkajs 2.2's built-in mechanisms (case-insensitive); others need an authenticationProvider. */
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'aws', 'oauthbearer'];

function crossFieldProblems(options: ResolvableOptions): string[] {
  const problems: string[] = [];
  const pause = withDefaults(CONFIG_DEFAULTS.pause, options.pause);
  if (
    typeof pause.timeout === 'number' &&
    typeof pause.maxTimeout === 'number' &&
    pause.timeout > pause.maxTimeout
  ) {
    problems.push('pause.timeout: must not exceed pause.maxTimeout');
  }
  const consumer = withDefaults(CONFIG_DEFAULTS.consumer, options.consumer);
  if (
    typeof consumer.heartbeatInterval === 'number' &&
    typeof consumer.sessionTimeout === 'number' &&
    consumer.heartbeatInterval >= consumer.sessionTimeout
  ) {
    problems.push('consumer.heartbeatInterval: must be lower than consumer.sessionTimeout');
  }
  const brokers: unknown = options.kafka?.brokers;
  if (Array.isArray(brokers)) {
    brokers.forEach((broker: unknown, index) => {
      if (typeof broker !== 'string' || !BROKER_PATTERN.test(broker)) {
        problems.push(`kafka.brokers[${index}]: must be host:port`);
        return;
      }
      const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) {
        problems.push(`kafka.brokers[${index}]: port must be between 1 and 65535`);
      }
    });
  }
  const ssl: unknown = options.kafka?.ssl;
  if (ssl !== undefined && typeof ssl !== 'boolean' && (ssl === null || typeof ssl !== 'object')) {
    problems.push('kafka.ssl: must be true, false or TLS options { ca, cert, key, ... }');
  }
  const sasl = options.kafka?.sasl as unknown;
  if (sasl !== null && typeof sasl === 'object') {
    const { mechanism, authenticationProvider } = sasl as Record<string, unknown>;
    const known =
      typeof mechanism === 'string' &&
      (SASL_MECHANISMS.includes(mechanism.toLowerCase()) ||
        typeof authenticationProvider === 'function');
    if (!known) {
      problems.push(
        `kafka.sasl.mechanism: must be one of ${SASL_MECHANISMS.join(', ')} ` +
          `(or come with an authenticationProvider)`,
      );
    }
  }
  if (options.producer?.idempotent === true && (options.producer.acks ?? -1) !== -1) {
    problems.push('producer.acks: must be -1 (all) when producer.idempotent is true');
  }
  if (options.producer?.transactionalId !== undefined) {
    if (options.producer.idempotent === false) {
      problems.push(
        'producer.idempotent: must not be false when producer.transactionalId is set (transactions need idempotence)',
      );
    }
    if ((options.producer.acks ?? -1) !== -1) {
      problems.push('producer.acks: must be -1 (all) when producer.transactionalId is set');
    }
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
