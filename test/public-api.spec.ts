import { describe, expect, it } from 'vitest';
import * as api from '../lib/index.js';

describe('the public API (lib/index.ts)', () => {
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
    for (const name of [
      'KarafkaConfigurationError',
      'KarafkaRoutingError',
      'MessageDeserializationError',
      'ResponderUsageError',
      'KarafkaProducerError',
      'DevBrokerError',
      'UnknownEventError',
      'KafkaAuthenticationError',
      'KafkaTlsError',
      'OffsetCommitError',
    ]) {
      const ErrorClass = (api as Record<string, unknown>)[name] as { prototype: object };
      expect(ErrorClass, name).toBeTypeOf('function');
      expect(ErrorClass.prototype, name).toBeInstanceOf(api.KarafkaError);
    }
  });

  it('exports the pluggable pieces and the dev broker', () => {
    for (const name of [
      'PrefixTopicMapper',
      'IdentityTopicMapper',
      'JsonDeserializer',
      'JsonSerializer',
      'LoggerListener',
      'DevBroker',
      'RouteRegistry',
    ]) {
      expect(api, name).toHaveProperty(name);
    }
  });
});

describe('the package entry points (package.json "exports", built dist/)', () => {
  it('resolves nestjs-karafka and nestjs-karafka/testing by name', async () => {
    const main = (await import('nestjs-karafka')) as Record<string, unknown>;
    const testing = (await import('nestjs-karafka/testing')) as Record<string, unknown>;
    expect(main.KarafkaModule).toBeTypeOf('function');
    expect(testing.createMessages).toBeTypeOf('function');
    expect(testing.attachTestRuntime).toBeTypeOf('function');
  });
});
