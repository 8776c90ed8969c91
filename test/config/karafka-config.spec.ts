import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, resolveConfig } from '../../lib/config/karafka-config.js';
import { KarafkaConfigurationError } from '../../lib/config/karafka-configuration.error.js';
import type { KarafkaModuleOptions } from '../../lib/karafka-module-options.js';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import { JsonDeserializer, JsonSerializer } from '../../lib/serialization/json.js';

const minimal = { clientId: 'shop', kafka: { brokers: ['127.0.0.1:9092'] } };

/** The problems of an invalid config, failing the test when it is accepted. */
function problemsOf(options: unknown): string[] {
  try {
    resolveConfig(options as KarafkaModuleOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(KarafkaConfigurationError);
    return (error as KarafkaConfigurationError).problems;
  }
  throw new Error('expected the options to be rejected');
}

describe('resolveConfig', () => {
  describe('valid options', () => {
    it('needs only clientId and kafka.brokers', () => {
      const config = resolveConfig(minimal);
      expect(config.clientId).toBe('shop');
      expect(config.kafka).toEqual({ brokers: ['127.0.0.1:9092'] });
      expect(config).not.toHaveProperty('routes'); // routing's business, not the config's
    });

    it('fills every default documented in karafka-options.ts', () => {
      const { clientId: _c, kafka: _k, ...rest } = resolveConfig(minimal);
      expect(rest).toEqual({
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
        topicMapper: undefined,
        deserializer: undefined,
        serializer: undefined,
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
      });
    });

    it('merges nested settings key by key, keeping the defaults of keys not given', () => {
      const config = resolveConfig({
        ...minimal,
        consumer: { sessionTimeout: 45_000 },
        pause: { timeout: 250 },
        producer: { acks: 1 },
      });
      expect(config.consumer).toEqual({ ...CONFIG_DEFAULTS.consumer, sessionTimeout: 45_000 });
      expect(config.pause).toEqual({ ...CONFIG_DEFAULTS.pause, timeout: 250 });
      expect(config.producer).toEqual({ ...CONFIG_DEFAULTS.producer, acks: 1 });
    });

    it('keeps the default of a nested key given as undefined', () => {
      const config = resolveConfig({
        ...minimal,
        consumer: { sessionTimeout: undefined },
        pause: { maxTimeout: undefined },
        commit: { interval: undefined },
        producer: { lingerMs: undefined },
      });
      expect(config.consumer.sessionTimeout).toBe(30_000);
      expect(config.pause.maxTimeout).toBe(30_000);
      expect(config.commit.interval).toBe(5_000);
      expect(config.producer.lingerMs).toBe(5);
    });

    it('keeps top-level values given, including false and 0', () => {
      const config = resolveConfig({
        ...minimal,
        initialOffset: 'latest',
        concurrency: 7,
        automaticallyMarkAsConsumed: false,
        consumerPersistence: false,
        shutdownTimeout: 0,
        logger: false,
      });
      expect(config).toMatchObject({
        initialOffset: 'latest',
        concurrency: 7,
        automaticallyMarkAsConsumed: false,
        consumerPersistence: false,
        shutdownTimeout: 0,
        logger: false,
      });
    });

    it('accepts IPv6 and host-name brokers', () => {
      expect(
        resolveConfig({ ...minimal, kafka: { brokers: ['[::1]:9092', 'kafka-1.internal:19092'] } })
          .kafka.brokers,
      ).toEqual(['[::1]:9092', 'kafka-1.internal:19092']);
    });

    it('passes class instances through without cloning them (topicMapper, deserializer, serializer)', () => {
      const topicMapper = new PrefixTopicMapper('acme.');
      const deserializer = new JsonDeserializer();
      const serializer = new JsonSerializer();
      const config = resolveConfig({ ...minimal, topicMapper, deserializer, serializer });
      expect(config.topicMapper).toBe(topicMapper);
      expect(config.deserializer).toBe(deserializer);
      expect(config.serializer).toBe(serializer);
    });

    it('accepts classes for topicMapper, deserializer and serializer and keeps them as classes', () => {
      const config = resolveConfig({
        ...minimal,
        topicMapper: PrefixTopicMapper,
        deserializer: JsonDeserializer,
        serializer: JsonSerializer,
      });
      expect(config.topicMapper).toBe(PrefixTopicMapper);
      expect(config.deserializer).toBe(JsonDeserializer);
      expect(config.serializer).toBe(JsonSerializer);
    });

    it('accepts a plain object topicMapper with incoming and outgoing', () => {
      const topicMapper = { incoming: (t: string) => t, outgoing: (t: string) => t };
      expect(resolveConfig({ ...minimal, topicMapper }).topicMapper).toBe(topicMapper);
    });

    it('accepts programmatic routes and leaves them to routing', () => {
      class OrdersConsumer {}
      const routes = [{ topic: 'orders', consumer: OrdersConsumer as never }];
      expect(resolveConfig({ ...minimal, routes })).not.toHaveProperty('routes');
    });

    it('does not modify the options it was given', () => {
      const options = { ...minimal, consumer: { sessionTimeout: 40_000 } };
      const snapshot = structuredClone(options);
      resolveConfig(options);
      expect(options).toEqual(snapshot);
    });
  });

  describe('invalid options', () => {
    it('reports several problems at once in one KarafkaConfigurationError, one `path: reason` line each', () => {
      let thrown: unknown;
      try {
        resolveConfig({
          clientId: 'shop',
          kafka: { brokers: ['localhost'] },
          pause: { timeout: 60_000, maxTimeout: 30_000 },
          consumer: { sesionTimeout: 10_000 },
          colour: 'blue',
        } as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(KarafkaConfigurationError);
      const error = thrown as KarafkaConfigurationError;
      expect([...error.problems].sort()).toEqual(
        [
          'kafka.brokers[0]: must be host:port',
          'pause.timeout: must not exceed pause.maxTimeout',
          'colour: is not a known option',
          'consumer.sesionTimeout: is not a known option',
        ].sort(),
      );
      expect(error.message).toMatch(/^Invalid KarafkaModule configuration \(4 problems\):\n/);
      for (const problem of error.problems) expect(error.message).toContain(`  - ${problem}`);
    });

    it('names the index of each bad broker', () => {
      expect(
        problemsOf({ ...minimal, kafka: { brokers: ['a:1', 'b', 42, 'c:0', 'd:65536'] } }),
      ).toEqual([
        'kafka.brokers[1]: must be host:port',
        'kafka.brokers[2]: must be host:port',
        'kafka.brokers[3]: port must be between 1 and 65535',
        'kafka.brokers[4]: port must be between 1 and 65535',
      ]);
    });

    it('rejects a missing, non-array or empty broker list', () => {
      expect(problemsOf({ clientId: 'shop', kafka: {} })).toEqual([
        'kafka.brokers: is required: a list of "host:port" strings',
      ]);
      expect(problemsOf({ clientId: 'shop', kafka: { brokers: 'h:9092' } })).toEqual([
        'kafka.brokers: must be an array of "host:port" strings',
      ]);
      expect(problemsOf({ clientId: 'shop', kafka: { brokers: [] } })).toEqual([
        'kafka.brokers: must list at least one broker',
      ]);
    });

    it('reports a missing clientId once, as required', () => {
      expect(problemsOf({ kafka: minimal.kafka })).toEqual(['clientId: is required']);
    });

    it('rejects an empty clientId, a non-string one, and one with spaces', () => {
      expect(problemsOf({ ...minimal, clientId: '' })).toEqual(['clientId: must not be empty']);
      expect(problemsOf({ ...minimal, clientId: 5 })).toEqual(['clientId: must be a string']);
      expect(problemsOf({ ...minimal, clientId: 'my shop' })).toEqual([
        'clientId: may only hold letters, digits, ".", "_" and "-"',
      ]);
    });

    it('reports a missing kafka section, and a kafka section that is not an object', () => {
      expect(problemsOf({ clientId: 'shop' })).toEqual([
        'kafka: is required: { brokers: ["host:port"] }',
      ]);
      expect(problemsOf({ clientId: 'shop', kafka: 'localhost:9092' })).toEqual([
        'kafka: must be an object { brokers: ["host:port"] }',
      ]);
    });

    it('reports options that are not an object at all', () => {
      expect(problemsOf(null)).toEqual([
        'options: must be an object { clientId, kafka: { brokers } }',
      ]);
      expect(problemsOf('shop')).toEqual([
        'options: must be an object { clientId, kafka: { brokers } }',
      ]);
    });

    it('names an unknown key inside kafka', () => {
      expect(problemsOf({ ...minimal, kafka: { ...minimal.kafka, broker: 'x:1' } })).toEqual([
        'kafka.broker: is not a known option',
      ]);
    });

    it('reports wrong types with the nested path and one reason per key, without repeating the key', () => {
      const problems = problemsOf({
        ...minimal,
        consumer: { sessionTimeout: '30s', maxBytes: 1.5 },
        initialOffset: 'middle',
        concurrency: 0,
        automaticallyMarkAsConsumed: 'yes',
        pause: { exponentialBackoff: 1 },
        commit: { interval: -1 },
        producer: { acks: 2, compression: 'brotli', retries: 500 },
        logger: 'on',
        routes: {},
        shutdownTimeout: '60s',
      });
      expect([...problems].sort()).toEqual(
        [
          'consumer.sessionTimeout: must be an integer number',
          'consumer.maxBytes: must be an integer number',
          'initialOffset: must be one of the following values: earliest, latest',
          'concurrency: must not be less than 1',
          'automaticallyMarkAsConsumed: must be a boolean value',
          'pause.exponentialBackoff: must be a boolean value',
          'commit.interval: must not be less than 0',
          'producer.acks: must be -1 (all), 0 or 1',
          'producer.compression: must be one of the following values: none, gzip, snappy, lz4, zstd',
          'producer.retries: must not be greater than 100',
          'logger: must be a boolean value',
          'routes: must be an array',
          'shutdownTimeout: must be an integer number',
        ].sort(),
      );
      for (const problem of problems) {
        const [path, reason] = problem.split(': ');
        const key = path!.split('.').pop()!;
        expect(reason, problem).not.toContain(key);
        expect(reason, problem).not.toMatch(/each value in|nested property/);
      }
    });

    it('reports a nested section that is not an object as "must be an object"', () => {
      expect(problemsOf({ ...minimal, consumer: 5, producer: 'fast' })).toEqual([
        'consumer: must be an object',
        'producer: must be an object',
      ]);
    });

    it('rejects kafka.sasl and kafka.retry that are not objects', () => {
      expect(
        problemsOf({ ...minimal, kafka: { ...minimal.kafka, sasl: 'plain', retry: 3 } }),
      ).toEqual([
        'kafka.sasl: must be an object { mechanism, username, password }',
        'kafka.retry: must be an object',
      ]);
    });

    it('rejects kafka.ssl that is neither a boolean nor TLS options', () => {
      expect(problemsOf({ ...minimal, kafka: { ...minimal.kafka, ssl: 'yes' } })).toEqual([
        'kafka.ssl: must be true, false or TLS options { ca, cert, key, ... }',
      ]);
      for (const ssl of [true, false, { rejectUnauthorized: false }]) {
        expect(() => resolveConfig({ ...minimal, kafka: { ...minimal.kafka, ssl } })).not.toThrow();
      }
    });

    it('rejects an unknown SASL mechanism unless it brings an authenticationProvider', () => {
      expect(
        problemsOf({
          ...minimal,
          kafka: {
            ...minimal.kafka,
            sasl: { mechanism: 'scram-sha-1', username: 'u', password: 'p' },
          },
        }),
      ).toEqual([
        'kafka.sasl.mechanism: must be one of plain, scram-sha-256, scram-sha-512, aws, oauthbearer (or come with an authenticationProvider)',
      ]);
      for (const sasl of [
        { mechanism: 'plain', username: 'u', password: 'p' },
        { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
        { mechanism: 'custom', authenticationProvider: () => ({}) },
      ]) {
        expect(() =>
          resolveConfig({ ...minimal, kafka: { ...minimal.kafka, sasl: sasl as never } }),
        ).not.toThrow();
      }
    });

    it('rejects heartbeatInterval equal to or above sessionTimeout, including against the default', () => {
      const line = 'consumer.heartbeatInterval: must be lower than consumer.sessionTimeout';
      expect(
        problemsOf({ ...minimal, consumer: { heartbeatInterval: 10_000, sessionTimeout: 10_000 } }),
      ).toEqual([line]);
      expect(problemsOf({ ...minimal, consumer: { heartbeatInterval: 40_000 } })).toEqual([line]);
      expect(() =>
        resolveConfig({
          ...minimal,
          consumer: { heartbeatInterval: 9_999, sessionTimeout: 10_000 },
        }),
      ).not.toThrow();
    });

    it('rejects an idempotent producer without acks -1, in the same error as the rest', () => {
      expect(
        problemsOf({ ...minimal, producer: { idempotent: true, acks: 1 }, concurrency: 0 }),
      ).toEqual([
        'concurrency: must not be less than 1',
        'producer.acks: must be -1 (all) when producer.idempotent is true',
      ]);
      expect(() => resolveConfig({ ...minimal, producer: { idempotent: true } })).not.toThrow();
    });

    it('takes producer.transactionalId only with idempotence and acks -1, and makes the producer idempotent', () => {
      expect(
        problemsOf({
          ...minimal,
          producer: { transactionalId: 'billing-1', idempotent: false, acks: 1 },
        }),
      ).toEqual([
        'producer.idempotent: must not be false when producer.transactionalId is set (transactions need idempotence)',
        'producer.acks: must be -1 (all) when producer.transactionalId is set',
      ]);
      expect(problemsOf({ ...minimal, producer: { transactionalId: '' } })).toEqual([
        'producer.transactionalId: must not be empty',
      ]);
      const config = resolveConfig({ ...minimal, producer: { transactionalId: 'billing-1' } });
      expect(config.producer).toMatchObject({ transactionalId: 'billing-1', idempotent: true });
      expect(resolveConfig(minimal).producer.transactionalId).toBeUndefined();
    });

    it('takes consumer.isolationLevel read_committed (default) or read_uncommitted', () => {
      expect(resolveConfig(minimal).consumer.isolationLevel).toBe('read_committed');
      expect(
        problemsOf({ ...minimal, consumer: { isolationLevel: 'dirty' as 'read_committed' } }),
      ).toEqual(["consumer.isolationLevel: must be 'read_committed' or 'read_uncommitted'"]);
    });

    it('rejects pause.timeout above the default pause.maxTimeout', () => {
      expect(problemsOf({ ...minimal, pause: { timeout: 30_001 } })).toEqual([
        'pause.timeout: must not exceed pause.maxTimeout',
      ]);
    });

    it('rejects a topicMapper object without incoming/outgoing, and serializers without their method', () => {
      expect(
        problemsOf({
          ...minimal,
          topicMapper: { incoming: (t: string) => t },
          deserializer: { parse: () => null },
          serializer: 'json',
        }),
      ).toEqual([
        'topicMapper: must be a class or an object with incoming() and outgoing()',
        'deserializer: must be a class or an object with deserialize()',
        'serializer: must be a class or an object with serialize()',
      ]);
      expect(problemsOf({ ...minimal, topicMapper: null })).toEqual([
        'topicMapper: must be a class or an object with incoming() and outgoing()',
      ]);
    });
  });
});
