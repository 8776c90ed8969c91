import type {
  InjectionToken,
  ModuleMetadata,
  OptionalFactoryDependency,
  Type,
} from '@nestjs/common';
import type { KarafkaSettings } from './config/karafka-options.js';
import type { RouteDefinition } from './routing/consumer-options.js';

/** What `KarafkaModule.forRoot()` takes: the settings, and routes for undecorated consumers. */
export interface KarafkaModuleOptions extends KarafkaSettings {
  /** Routes for consumer classes that are not decorated with @Consumer. */
  routes?: RouteDefinition[];
}

export interface KarafkaOptionsFactory {
  createKarafkaOptions(): KarafkaModuleOptions | Promise<KarafkaModuleOptions>;
}

export interface KarafkaModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory?: (...args: never[]) => KarafkaModuleOptions | Promise<KarafkaModuleOptions>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: Type<KarafkaOptionsFactory>;
  useExisting?: Type<KarafkaOptionsFactory>;
}
