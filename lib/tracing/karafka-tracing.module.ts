import { Global, Module, type DynamicModule } from '@nestjs/common';
import { KARAFKA_TRACING } from '../karafka.constants.js';
import { OpenTelemetryTracing, type KarafkaTracingOptions } from './open-telemetry-tracing.js';

/**
 * OpenTelemetry tracing for nestjs-karafka: import `KarafkaTracingModule.forRoot()` next to
 * `KarafkaModule.forRoot()`. It needs `@opentelemetry/api` (an optional peer) and an SDK the app
 * registers itself (e.g. `NodeTracerProvider.register()`); without an SDK it costs next to nothing.
 */
@Global()
@Module({})
export class KarafkaTracingModule {
  /** Turns tracing on for the producer and every consumer group. */
  static forRoot(options: KarafkaTracingOptions = {}): DynamicModule {
    return {
      module: KarafkaTracingModule,
      global: true,
      providers: [{ provide: KARAFKA_TRACING, useValue: new OpenTelemetryTracing(options) }],
      exports: [KARAFKA_TRACING],
    };
  }
}
