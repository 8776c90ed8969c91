import type { ApplicationConfig, ModuleRef } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import { KarafkaError } from '../errors/karafka.error.js';

/**
 * Nest's container, for its ApplicationConfig (global enhancers: `app.useGlobal*` and the
 * APP_* providers) and its modules (where enhancers are resolved). Nest has no public getter;
 * ModuleRef holds it as a protected field in Nest 11 and 12, as Nest's own packages use it.
 */
export function nestContainer(moduleRef: ModuleRef): NestContainer {
  const container = (moduleRef as unknown as { container?: NestContainer }).container;
  if (!container || typeof container.getModules !== 'function') {
    throw new KarafkaError(
      'nestjs-karafka cannot reach the Nest container from ModuleRef: this @nestjs/core version ' +
        'is not supported (use Nest 11 or 12).',
    );
  }
  return container;
}

/** The app's global enhancers; an application context made without one has none. */
export function applicationConfig(container: NestContainer): ApplicationConfig | undefined {
  return container.applicationConfig;
}
