import type { ApplicationConfig, ModuleRef } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import { KarafkaError } from '../errors/karafka.error.js';

/**
 * Nest's container, for its ApplicationConfig (global enhancers: `app.useGlobal*` and the
 * APP_* providers) and its modules (where enhancers are resolved). Nest has no public getter;
 * ModuleRef holds it as a protected field in Nest 11 and 12, as Nest's own packages use it.
 */
export function nestContainer(moduleRef: ModuleRef): NestContainer | undefined {
  const container = (moduleRef as unknown as { container?: NestContainer }).container;
  return container && typeof container.getModules === 'function' ? container : undefined;
}

/** Enhancers need the container: without it (an unknown @nestjs/core) they cannot run. */
export function requireContainer(container: NestContainer | undefined): NestContainer {
  if (!container) {
    throw new KarafkaError(
      'nestjs-karafka cannot reach the Nest container from ModuleRef to run guards, interceptors, ' +
        'pipes and filters: this @nestjs/core version is not supported (use Nest 11 or 12).',
    );
  }
  return container;
}

/** The app's global enhancers; an application context made without one has none. */
export function applicationConfig(
  container: NestContainer | undefined,
): ApplicationConfig | undefined {
  return container?.applicationConfig;
}
