import { describe, expect, it } from 'vitest';
import * as api from '../lib/index.js';
import * as devBroker from '../lib/dev-broker/index.js';

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
  producer: ['Producer', 'murmur2', 'partitionForKey'],
  'monitor and events': ['Monitor', 'LoggerListener', 'KARAFKA_EVENT_NAMES'],
  mapping: ['TopicMapper', 'IdentityTopicMapper', 'PrefixTopicMapper'],
  serialization: ['JsonDeserializer', 'JsonSerializer', 'RawDeserializer', 'StringDeserializer'],
  errors: [
    'KarafkaError',
    'KarafkaConfigurationError',
    'KarafkaRoutingError',
    'MessageDeserializationError',
    'ResponderUsageError',
    'ResponderDeliveryError',
    'UnknownEventError',
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
  ],
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
      'DevBroker',
      'DevBrokerError',
    ]);
    expect(devBroker.DevBrokerError.prototype).toBeInstanceOf(api.KarafkaError);
  });
});

describe('the package entry points (package.json "exports", built dist/)', () => {
  it('resolves nestjs-karafka, nestjs-karafka/testing and nestjs-karafka/dev-broker by name', async () => {
    const main = (await import('nestjs-karafka')) as Record<string, unknown>;
    const testing = (await import('nestjs-karafka/testing')) as Record<string, unknown>;
    const broker = (await import('nestjs-karafka/dev-broker')) as Record<string, unknown>;
    expect(main.KarafkaModule).toBeTypeOf('function');
    expect(testing.createMessages).toBeTypeOf('function');
    expect(testing.attachTestRuntime).toBeTypeOf('function');
    expect(broker.DevBroker).toBeTypeOf('function');
  });
});
