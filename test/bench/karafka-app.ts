import { Module, type INestApplicationContext, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { KarafkaModuleOptions } from '../../lib/karafka-module-options.js';
import { KarafkaModule } from '../../lib/karafka.module.js';

/** A Nest application context with KarafkaModule (logger off) and the given providers. */
export async function karafkaApp(
  options: KarafkaModuleOptions,
  providers: Provider[] = [],
): Promise<INestApplicationContext> {
  @Module({ imports: [KarafkaModule.forRoot({ logger: false, ...options })], providers })
  class BenchAppModule {}
  return NestFactory.createApplicationContext(BenchAppModule, { logger: false });
}
