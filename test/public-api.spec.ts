import { describe, expect, it } from 'vitest';
import * as api from '../lib/index.js';
import * as devBroker from '../lib/dev-broker/index.js';
import * as schemaRegistry from '../lib/schema-registry/index.js';

/**
 * Every runtime name `nestjs-karafka` exports, on purpose. A new export fails this test until it
 * is added here: the public API only grows by decision (internals stay in their modules).
 */
const PUBLIC_API = {
  'module and configuration': [
    'KarafkaModule',
    'KARAFKA_CONFIG',
    'KARAFKA_DESERIALIZER',
    'KARAFKA_MODULE_OPTIONS',
    'KARAFKA_SERIALIZER',
  ],
  'routing and consumers': ['Consumer', 'BaseConsumer', 'RouteRegistry', 'Responds'],
  transport: ['KarafkaServer'],
  messages: ['Message', 'Messages'],
  enhancers: ['KarafkaContext'],
  'Nest transport patterns': ['KarafkaRoute', 'KarafkaKafkaContext', 'NestKafkaDeserializer'],
  producer: ['Producer', 'murmur2', 'partitionForKey'],
  'monitor and events': ['Monitor', 'LoggerListener', 'KARAFKA_EVENT_NAMES'],
  mapping: ['TopicMapper', 'IdentityTopicMapper', 'PrefixTopicMapper'],
  serialization: ['JsonDeserializer', 'JsonSerializer', 'RawDeserializer', 'StringDeserializer'],
  errors: [
    'KarafkaError',
    'KarafkaConfigurationError',
    'KarafkaRoutingError',
    'KarafkaEnhancerError',
    'MessageDeserializationError',
    'ResponderUsageError',
    'ResponderDeliveryError',
    'UnknownEventError',
    'KafkaAuthenticationError',
    'KafkaTlsError',
    'OffsetCommitError',
    'KarafkaProducerError',
    'ProducerClosedError',
    'DeliveryFailedError',
    'InvalidMessageError',
    'InvalidTopicError',
    'InvalidKeyError',
    'InvalidHeadersError',
    'InvalidPartitionError',
    'PartitionConflictError',
    'InvalidTimestampError',
    'MissingPayloadError',
    'PayloadSerializationError',
    'PayloadTooLargeError',
    'InvalidProducerOptionsError',
    'NotTransactionalError',
    'ProducerFencedError',
    'TransactionFailedError',
    'SwarmConfigurationError',
  ],
  parallelism: ['runSwarm'],
};

describe('the public API (lib/index.ts)', () => {
  it('exports exactly the listed names, nothing internal', () => {
    expect(Object.keys(api).sort()).toEqual(Object.values(PUBLIC_API).flat().sort());
  });

  it('exports every name of the design contract', () => {
    // DESIGN.md section 2: the names users and tests rely on.
    for (const name of [
      'KarafkaModule',
      'KarafkaServer',
      'Consumer',
      'Responds',
      'BaseConsumer',
      'Messages',
      'Message',
      'Producer',
      'Monitor',
      'TopicMapper',
    ]) {
      expect(api, name).toHaveProperty(name);
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('exports the errors users catch, all KarafkaError subclasses', () => {
    for (const name of PUBLIC_API.errors.filter((n) => n !== 'KarafkaError')) {
      const ErrorClass = (api as Record<string, unknown>)[name] as { prototype: object };
      expect(ErrorClass, name).toBeTypeOf('function');
      expect(ErrorClass.prototype, name).toBeInstanceOf(api.KarafkaError);
    }
  });

  it('the dev broker has its own entry point, with its error a KarafkaError too', () => {
    expect(Object.keys(devBroker).sort()).toEqual([
      'DEFAULT_BROKER_PORT',
      'DEFAULT_KAFKA_VERSION',
      'DEFAULT_SECURE_USER',
      'DEV_CLUSTER_MIN_INSYNC_REPLICAS',
      'DEV_CLUSTER_REPLICATION_FACTOR',
      'DevBroker',
      'DevBrokerError',
      'DevCluster',
    ]);
    expect(devBroker.DevBrokerError.prototype).toBeInstanceOf(api.KarafkaError);
  });

  it('the schema registry has its own entry point (its client library is an optional peer)', () => {
    expect(Object.keys(schemaRegistry).sort()).toEqual([
      'SCHEMA_REGISTRY_OPTIONS',
      'SchemaRegistrationError',
      'SchemaRegistry',
      'SchemaRegistryDeserializer',
      'SchemaRegistryError',
      'SchemaRegistryModule',
      'SchemaRegistrySerializer',
      'SchemaValidationError',
    ]);
    for (const name of [
      'SchemaRegistryError',
      'SchemaValidationError',
      'SchemaRegistrationError',
    ]) {
      const ErrorClass = schemaRegistry[name as keyof typeof schemaRegistry] as {
        prototype: object;
      };
      expect(ErrorClass.prototype, name).toBeInstanceOf(api.KarafkaError);
    }
    // Validation and registration failures on produce are producer errors.
    expect(schemaRegistry.SchemaValidationError.prototype).toBeInstanceOf(api.KarafkaProducerError);
  });

  it('tracing, metrics and health have entry points of their own (each pulls in an optional peer)', async () => {
    expect(Object.keys(await import('../lib/tracing/index.js')).sort()).toEqual([
      'KarafkaTracingModule',
      'OpenTelemetryTracing',
    ]);
    expect(Object.keys(await import('../lib/metrics/index.js')).sort()).toEqual([
      'KarafkaMetrics',
      'KarafkaMetricsModule',
      'PROMETHEUS_CONTENT_TYPE',
    ]);
    expect(Object.keys(await import('../lib/health/index.js')).sort()).toEqual([
      'KarafkaHealthIndicator',
      'KarafkaHealthModule',
    ]);
  });

  it('the web UI has an entry point of its own', async () => {
    expect(Object.keys(await import('../lib/web/index.js')).sort()).toEqual([
      'DEFAULT_WEB_TOPICS',
      'KarafkaWebModule',
      'WebTracker',
      'ensureWebTopics',
      'serveKarafkaWeb',
    ]);
  });
});

describe('the package entry points (package.json "exports", built dist/)', () => {
  it('resolves nestjs-karafka, nestjs-karafka/testing, /dev-broker and /schema-registry by name', async () => {
    const main = (await import('nestjs-karafka')) as Record<string, unknown>;
    const registry = (await import('nestjs-karafka/schema-registry')) as Record<string, unknown>;
    expect(registry.SchemaRegistryModule).toBeTypeOf('function');
    const testing = (await import('nestjs-karafka/testing')) as Record<string, unknown>;
    const broker = (await import('nestjs-karafka/dev-broker')) as Record<string, unknown>;
    expect(main.KarafkaModule).toBeTypeOf('function');
    expect(testing.createMessages).toBeTypeOf('function');
    expect(testing.attachTestRuntime).toBeTypeOf('function');
    expect(broker.DevBroker).toBeTypeOf('function');
    const tracing = (await import('nestjs-karafka/tracing')) as Record<string, unknown>;
    const metrics = (await import('nestjs-karafka/metrics')) as Record<string, unknown>;
    const health = (await import('nestjs-karafka/health')) as Record<string, unknown>;
    expect(tracing.KarafkaTracingModule).toBeTypeOf('function');
    expect(metrics.KarafkaMetricsModule).toBeTypeOf('function');
    expect(health.KarafkaHealthIndicator).toBeTypeOf('function');
    const web = (await import('nestjs-karafka/web')) as Record<string, unknown>;
    expect(web.KarafkaWebModule).toBeTypeOf('function');
  });
});
