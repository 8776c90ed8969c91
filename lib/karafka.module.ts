import { Global, Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import { resolveConfig, type KarafkaConfig } from './config/karafka-config.js';
import { KarafkaConfigurationError } from './config/karafka-configuration.error.js';
import type {
  KarafkaModuleAsyncOptions,
  KarafkaModuleOptions,
  KarafkaOptionsFactory,
} from './karafka-module-options.js';
import { KafkaClientFactory } from './connection/kafka-client.factory.js';
import { ConsumerEnhancers } from './enhancers/consumer-enhancers.js';
import { LoggerListener } from './instrumentation/logger-listener.js';
import { Monitor } from './instrumentation/monitor.js';
import {
  KARAFKA_CONFIG,
  KARAFKA_DESERIALIZER,
  KARAFKA_MODULE_OPTIONS,
  KARAFKA_SERIALIZER,
} from './karafka.constants.js';
import { IdentityTopicMapper, TopicMapper } from './mapping/topic-mapper.js';
import { Producer } from './producer/producer.js';
import { ConsumingStop } from './processing/consuming-stop.js';
import { RouteRegistry } from './routing/route-registry.js';
import { instantiate, RoutesExplorer } from './routing/routes-explorer.js';
import { PatternHandlers } from './patterns/pattern-handlers.js';
import { JsonDeserializer, JsonSerializer } from './serialization/json.js';
import { KarafkaServer } from './server/karafka.server.js';

const coreProviders: Provider[] = [
  {
    provide: KARAFKA_CONFIG,
    useFactory: (options: KarafkaModuleOptions) => resolveConfig(options),
    inject: [KARAFKA_MODULE_OPTIONS],
  },
  {
    provide: Monitor,
    useFactory: (config: KarafkaConfig) => {
      const monitor = new Monitor();
      if (config.logger) monitor.subscribe(new LoggerListener());
      return monitor;
    },
    inject: [KARAFKA_CONFIG],
  },
  {
    provide: TopicMapper,
    useFactory: (config: KarafkaConfig, moduleRef: ModuleRef) =>
      config.topicMapper ? instantiate(config.topicMapper, moduleRef) : new IdentityTopicMapper(),
    inject: [KARAFKA_CONFIG, ModuleRef],
  },
  {
    provide: KARAFKA_DESERIALIZER,
    useFactory: (config: KarafkaConfig, moduleRef: ModuleRef) =>
      config.deserializer ? instantiate(config.deserializer, moduleRef) : new JsonDeserializer(),
    inject: [KARAFKA_CONFIG, ModuleRef],
  },
  {
    provide: KARAFKA_SERIALIZER,
    useFactory: (config: KarafkaConfig, moduleRef: ModuleRef) =>
      config.serializer ? instantiate(config.serializer, moduleRef) : new JsonSerializer(),
    inject: [KARAFKA_CONFIG, ModuleRef],
  },
  KafkaClientFactory,
  RouteRegistry,
  ConsumingStop,
  PatternHandlers,
  RoutesExplorer,
  Producer,
  ConsumerEnhancers,
  KarafkaServer,
];

const exportedProviders = [
  KARAFKA_CONFIG,
  KARAFKA_DESERIALIZER,
  KARAFKA_SERIALIZER,
  Monitor,
  TopicMapper,
  KafkaClientFactory,
  RouteRegistry,
  Producer,
  KarafkaServer,
];

/**
 * Karafka for Nest. Import once, in the root module:
 * `KarafkaModule.forRoot({ clientId, kafka: { brokers } })`. Global: Producer, Monitor,
 * TopicMapper and KarafkaServer are injectable everywhere.
 */
@Global()
@Module({})
export class KarafkaModule {
  /** Configures nestjs-karafka with options known at import time; the module is global. */
  static forRoot(options: KarafkaModuleOptions): DynamicModule {
    return KarafkaModule.build([{ provide: KARAFKA_MODULE_OPTIONS, useValue: options }]);
  }

  /** Configures nestjs-karafka from a factory, class or existing provider (`useFactory`, `useClass`, `useExisting`), e.g. to read the environment through `ConfigService`. */
  static forRootAsync(options: KarafkaModuleAsyncOptions): DynamicModule {
    return KarafkaModule.build(asyncOptionsProviders(options), options.imports ?? []);
  }

  private static build(
    optionProviders: Provider[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: KarafkaModule,
      global: true,
      imports: [DiscoveryModule, ...imports],
      providers: [...optionProviders, ...coreProviders],
      exports: exportedProviders,
    };
  }
}

function asyncOptionsProviders(options: KarafkaModuleAsyncOptions): Provider[] {
  if (options.useFactory) {
    return [
      {
        provide: KARAFKA_MODULE_OPTIONS,
        useFactory: options.useFactory,
        inject: options.inject ?? [],
      },
    ];
  }
  const factoryClass: Type<KarafkaOptionsFactory> | undefined =
    options.useClass ?? options.useExisting;
  if (!factoryClass) {
    throw new KarafkaConfigurationError([
      'forRootAsync: needs one of useFactory, useClass or useExisting',
    ]);
  }
  return [
    ...(options.useClass ? [{ provide: options.useClass, useClass: options.useClass }] : []),
    {
      provide: KARAFKA_MODULE_OPTIONS,
      useFactory: (factory: KarafkaOptionsFactory) => factory.createKarafkaOptions(),
      inject: [factoryClass],
    },
  ];
}
