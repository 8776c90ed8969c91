import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { KarafkaHealthLimits } from './karafka-health.js';
import { KARAFKA_HEALTH_LIMITS, KarafkaHealthIndicator } from './karafka-health.indicator.js';

/**
 * Provides `KarafkaHealthIndicator` (needs `@nestjs/terminus`, an optional peer) with the
 * liveness limits given here; use it in a terminus `HealthCheckService.check([...])`.
 */
@Module({})
export class KarafkaHealthModule {
  /** The indicator, with liveness limits (defaults: 5 min consume, 5 min backoff, 5 crashes). */
  static forRoot(limits: KarafkaHealthLimits = {}): DynamicModule {
    return {
      module: KarafkaHealthModule,
      imports: [TerminusModule],
      providers: [{ provide: KARAFKA_HEALTH_LIMITS, useValue: limits }, KarafkaHealthIndicator],
      exports: [KarafkaHealthIndicator],
    };
  }
}
