import type { Type } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
} from '@nestjs/common/constants.js';
import type { ApplicationConfig } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import { hasParamDecorators } from './consume-arguments.js';
import { KarafkaEnhancerError } from './enhancer.error.js';

const KINDS = [
  [GUARDS_METADATA, 'guard'],
  [INTERCEPTORS_METADATA, 'interceptor'],
  [PIPES_METADATA, 'pipe'],
  [EXCEPTION_FILTERS_METADATA, 'filter'],
] as const;

/**
 * Whether a consumer's `consume` runs through Nest's enhancers: `@UseGuards`,
 * `@UseInterceptors`, `@UsePipes`, `@UseFilters` on the class or on `consume`, parameter
 * decorators on `consume`, or any global enhancer of the app. Asked once per route.
 */
export function usesEnhancers(consumerClass: Type, config: ApplicationConfig | undefined): boolean {
  const consume = consumerClass.prototype.consume as object;
  const declared = KINDS.some(
    ([key]) => listed(key, consumerClass).length > 0 || listed(key, consume).length > 0,
  );
  if (declared || hasParamDecorators(consumerClass)) return true;
  return (
    !!config &&
    config.getGlobalGuards().length +
      config.getGlobalInterceptors().length +
      config.getGlobalPipes().length +
      config.getGlobalFilters().length >
      0
  );
}

/**
 * Consumers have no request: an enhancer whose instance is made per request would never run
 * (Nest would skip it silently). Refused at startup instead, naming it.
 */
export function assertStaticEnhancers(
  consumerClass: Type,
  container: NestContainer,
  config: ApplicationConfig | undefined,
): void {
  const scoped: string[] = [];
  if (config) {
    const wrappers = [
      ...config.getGlobalRequestGuards(),
      ...config.getGlobalRequestInterceptors(),
      ...config.getGlobalRequestPipes(),
      ...config.getGlobalRequestFilters(),
    ];
    for (const wrapper of wrappers) scoped.push(`global ${String(wrapper.name)}`);
  }
  const consume = consumerClass.prototype.consume as object;
  for (const [key, kind] of KINDS) {
    for (const enhancer of [...listed(key, consumerClass), ...listed(key, consume)]) {
      if (typeof enhancer !== 'function') continue;
      for (const module of container.getModules().values()) {
        const wrapper = module.injectables.get(enhancer as Type);
        if (wrapper && !wrapper.isDependencyTreeStatic()) {
          scoped.push(`${kind} ${(enhancer as Type).name}`);
          break;
        }
      }
    }
  }
  if (scoped.length) {
    throw new KarafkaEnhancerError(
      `${consumerClass.name}: request-scoped (or transient global) enhancers cannot run around ` +
        `consume(), a Kafka batch has no request: ${[...new Set(scoped)].join(', ')}. Make them ` +
        `singletons (the default scope) and read per-call data from the KarafkaContext.`,
    );
  }
}

function listed(key: string, target: object): unknown[] {
  return (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? [];
}
