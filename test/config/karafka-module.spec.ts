import { Inject, Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, type KarafkaConfig } from '../../lib/config/karafka-config.js';
import { KarafkaConfigurationError } from '../../lib/config/karafka-configuration.error.js';
import type {
  KarafkaModuleOptions,
  KarafkaOptionsFactory,
} from '../../lib/karafka-module-options.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { KARAFKA_CONFIG } from '../../lib/karafka.constants.js';
import {
  IdentityTopicMapper,
  PrefixTopicMapper,
  TopicMapper,
} from '../../lib/mapping/topic-mapper.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { RouteRegistry } from '../../lib/routing/route-registry.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';

// A TCP listener standing in for a broker: it only counts connection attempts, so a test can
// prove that building and initialising the module opens no connection to Kafka.
let fakeBroker: Server;
let brokerAddress: string;
const sockets: Socket[] = [];
beforeAll(async () => {
  fakeBroker = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => fakeBroker.listen(0, '127.0.0.1', resolve));
  brokerAddress = `127.0.0.1:${(fakeBroker.address() as { port: number }).port}`;
});
afterAll(async () => {
  sockets.forEach((socket) => socket.destroy());
  await new Promise((resolve) => fakeBroker.close(resolve));
});

const options = (): KarafkaModuleOptions => ({
  clientId: 'shop',
  kafka: { brokers: [brokerAddress] },
  concurrency: 5,
  consumer: { sessionTimeout: 20_000 },
  logger: false,
});

let app: TestingModule | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function compile(imports: unknown[], providers: unknown[] = []): Promise<TestingModule> {
  app = await Test.createTestingModule({
    imports: imports as never,
    providers: providers as never,
  }).compile();
  return app;
}

/** Rejects of compile() or init(), as the error. */
async function bootError(imports: unknown[]): Promise<unknown> {
  try {
    const module = await compile(imports);
    await module.init();
  } catch (error) {
    return error;
  }
  throw new Error('expected the module to fail to boot');
}

@Injectable()
class AppSettings {
  readonly clientId = 'shop';
  karafka(): KarafkaModuleOptions {
    return options();
  }
}

@Module({ providers: [AppSettings], exports: [AppSettings] })
class SettingsModule {}

@Injectable()
class KarafkaSettingsFactory implements KarafkaOptionsFactory {
  constructor(private readonly settings: AppSettings) {}
  async createKarafkaOptions(): Promise<KarafkaModuleOptions> {
    return this.settings.karafka();
  }
}

@Module({
  imports: [SettingsModule],
  providers: [KarafkaSettingsFactory],
  exports: [KarafkaSettingsFactory],
})
class FactoryModule {}

describe('KarafkaModule', () => {
  describe('configuration', () => {
    async function configOf(imports: unknown[]): Promise<KarafkaConfig> {
      const module = await compile(imports);
      await module.init();
      return module.get<KarafkaConfig>(KARAFKA_CONFIG);
    }

    it('forRoot resolves the options with defaults into KARAFKA_CONFIG', async () => {
      const config = await configOf([KarafkaModule.forRoot(options())]);
      expect(config.clientId).toBe('shop');
      expect(config.concurrency).toBe(5);
      expect(config.consumer).toEqual({ ...CONFIG_DEFAULTS.consumer, sessionTimeout: 20_000 });
      expect(config.pause).toEqual(CONFIG_DEFAULTS.pause);
    });

    it('forRootAsync with useFactory, inject and imports gives the same config', async () => {
      const expected = await configOf([KarafkaModule.forRoot(options())]);
      await app!.close();
      const config = await configOf([
        KarafkaModule.forRootAsync({
          imports: [SettingsModule],
          inject: [AppSettings],
          useFactory: async (settings: AppSettings) => settings.karafka(),
        }),
      ]);
      expect(config).toEqual(expected);
    });

    it('forRootAsync with useClass gives the same config', async () => {
      const expected = await configOf([KarafkaModule.forRoot(options())]);
      await app!.close();
      const config = await configOf([
        KarafkaModule.forRootAsync({ imports: [SettingsModule], useClass: KarafkaSettingsFactory }),
      ]);
      expect(config).toEqual(expected);
    });

    it('forRootAsync with useExisting gives the same config', async () => {
      const expected = await configOf([KarafkaModule.forRoot(options())]);
      await app!.close();
      const config = await configOf([
        KarafkaModule.forRootAsync({
          imports: [FactoryModule],
          useExisting: KarafkaSettingsFactory,
        }),
      ]);
      expect(config).toEqual(expected);
    });

    it('forRootAsync without useFactory, useClass or useExisting is a KarafkaConfigurationError', () => {
      expect(() => KarafkaModule.forRootAsync({})).toThrow(KarafkaConfigurationError);
      expect(() => KarafkaModule.forRootAsync({})).toThrow(/useFactory, useClass or useExisting/);
    });

    it('invalid forRoot options make the boot reject with KarafkaConfigurationError', async () => {
      const error = await bootError([
        KarafkaModule.forRoot({
          clientId: 'shop',
          kafka: { brokers: ['nope'] },
          colour: 1,
        } as never),
      ]);
      expect(error).toBeInstanceOf(KarafkaConfigurationError);
      expect((error as KarafkaConfigurationError).problems).toEqual([
        'colour: is not a known option',
        'kafka.brokers[0]: must be host:port',
      ]);
    });

    it('invalid forRootAsync options make the boot reject with KarafkaConfigurationError', async () => {
      const error = await bootError([
        KarafkaModule.forRootAsync({
          useFactory: () => ({ kafka: { brokers: [brokerAddress] } }) as never,
        }),
      ]);
      expect(error).toBeInstanceOf(KarafkaConfigurationError);
      expect((error as KarafkaConfigurationError).problems).toEqual(['clientId: is required']);
    });
  });

  describe('providers, injectable from a feature module (the module is global)', () => {
    @Injectable()
    class Reporter {
      constructor(
        readonly monitor: Monitor,
        readonly topicMapper: TopicMapper,
        readonly producer: Producer,
        readonly registry: RouteRegistry,
        @Inject(KARAFKA_CONFIG) readonly config: KarafkaConfig,
      ) {}
    }
    @Module({ providers: [Reporter], exports: [Reporter] })
    class ReportsModule {}

    async function reporter(extra: Partial<KarafkaModuleOptions> = {}): Promise<Reporter> {
      const module = await compile([
        KarafkaModule.forRoot({ ...options(), ...extra }),
        ReportsModule,
      ]);
      await module.init();
      return module.get(Reporter);
    }

    it('injects the same Monitor, TopicMapper, Producer, RouteRegistry and config as the root', async () => {
      const injected = await reporter();
      expect(injected.monitor).toBeInstanceOf(Monitor);
      expect(injected.monitor).toBe(app!.get(Monitor));
      expect(injected.topicMapper).toBe(app!.get(TopicMapper));
      expect(injected.producer).toBe(app!.get(Producer));
      expect(injected.registry).toBe(app!.get(RouteRegistry));
      expect(injected.config.clientId).toBe('shop');
      expect(app!.get(KarafkaServer)).toBeInstanceOf(KarafkaServer);
    });

    it('uses the identity topic mapper by default', async () => {
      const { topicMapper } = await reporter();
      expect(topicMapper).toBeInstanceOf(IdentityTopicMapper);
      expect(topicMapper.outgoing('orders')).toBe('orders');
    });

    it('uses a topic mapper instance as given', async () => {
      const mapper = new PrefixTopicMapper('acme.');
      const { topicMapper } = await reporter({ topicMapper: mapper });
      expect(topicMapper).toBe(mapper);
    });

    it('creates a topic mapper class through DI', async () => {
      @Injectable()
      class TenantTopicMapper extends PrefixTopicMapper {
        constructor(readonly settings: AppSettings) {
          super(`${settings.clientId}.`);
        }
      }
      const module = await compile([
        KarafkaModule.forRootAsync({
          imports: [SettingsModule],
          inject: [AppSettings],
          useFactory: (settings: AppSettings) => ({
            ...settings.karafka(),
            topicMapper: TenantTopicMapper,
          }),
        }),
        ReportsModule,
        SettingsModule,
      ]);
      await module.init();
      const { topicMapper } = module.get(Reporter);
      expect(topicMapper).toBeInstanceOf(TenantTopicMapper);
      expect(topicMapper).toBeInstanceOf(PrefixTopicMapper);
      expect(topicMapper.outgoing('orders')).toBe('shop.orders');
    });

    it('subscribes the LoggerListener unless logger is false', async () => {
      expect((await reporter({ logger: true })).monitor.hasListeners('error.occurred')).toBe(true);
      await app!.close();
      expect((await reporter({ logger: false })).monitor.hasListeners('error.occurred')).toBe(
        false,
      );
    });
  });

  describe('no connection before listen() or the first produce', () => {
    it('opens no connection to Kafka while compiling, initialising and closing the app', async () => {
      @Consumer('orders', { batch: true })
      class OrdersConsumer extends BaseConsumer {
        consume(): void {}
      }
      const before = sockets.length;
      const module = await compile([KarafkaModule.forRoot(options())], [OrdersConsumer]);
      await module.init();
      expect(module.get(RouteRegistry).table.routes).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await module.close();
      app = undefined;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(sockets.length - before).toBe(0);
    });
  });
});
