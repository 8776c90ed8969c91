import type {
  InjectionToken,
  ModuleMetadata,
  OptionalFactoryDependency,
  Type,
} from '@nestjs/common';
import type { KarafkaSettings } from './config/karafka-options.js';
import type { RouteDefinition } from './routing/consumer-options.js';

/**
 * `KarafkaModule.forRoot()` options: the settings (only `clientId` and `kafka.brokers` are
 * required; every key is validated at boot), and routes for undecorated consumers.
 */
export interface KarafkaModuleOptions extends KarafkaSettings {
  /** Routes for consumer classes that are not decorated with @Consumer. */
  routes?: RouteDefinition[];
}

/** A class that makes the options, for `forRootAsync({ useClass })` / `useExisting`. */
export interface KarafkaOptionsFactory {
  /** Returns the module options (may be async). */
  createKarafkaOptions(): KarafkaModuleOptions | Promise<KarafkaModuleOptions>;
}

/** `KarafkaModule.forRootAsync()` options: one of `useFactory` (with `inject`), `useClass` or `useExisting`. */
export interface KarafkaModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Makes the options from the providers named in `inject`. */
  useFactory?: (...args: never[]) => KarafkaModuleOptions | Promise<KarafkaModuleOptions>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: Type<KarafkaOptionsFactory>;
  useExisting?: Type<KarafkaOptionsFactory>;
}
