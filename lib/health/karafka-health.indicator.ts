import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { KarafkaServer } from '../server/karafka.server.js';
import type { KarafkaHealthCheck, KarafkaHealthLimits } from './karafka-health.js';

// Symbol.for: the same token whichever build (CommonJS or ESM) an app loads this from.
export const KARAFKA_HEALTH_LIMITS = Symbol.for('nestjs-karafka:KARAFKA_HEALTH_LIMITS');

/**
 * A `@nestjs/terminus` health indicator for the consumer groups of this process:
 * `isReady` (every group connected and joined) for readiness probes, `isAlive` (no crash loop
 * past the restart budget, no stuck `consume`, no partition failing too long, optionally no lag
 * over a limit) for liveness probes. When down, `problems` names the group/topic/partition.
 */
@Injectable()
export class KarafkaHealthIndicator {
  constructor(
    private readonly server: KarafkaServer,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(KARAFKA_HEALTH_LIMITS) private readonly limits: KarafkaHealthLimits = {},
  ) {}

  /** Readiness: every consumer group connected and joined. */
  isReady<const Key extends string = 'karafka'>(
    key: Key = 'karafka' as Key,
  ): HealthIndicatorResult<Key> {
    return this.result(key, this.server.health(this.limits).ready);
  }

  /** Liveness, with the module's limits or the ones given here. */
  isAlive<const Key extends string = 'karafka'>(
    key: Key = 'karafka' as Key,
    limits: KarafkaHealthLimits = this.limits,
  ): HealthIndicatorResult<Key> {
    return this.result(key, this.server.health(limits).alive);
  }

  private result<Key extends string>(
    key: Key,
    check: KarafkaHealthCheck,
  ): HealthIndicatorResult<Key> {
    const session = this.indicators.check(key);
    const groups = this.server
      .snapshot()
      .groups.map((group) => ({ id: group.id, state: group.state }));
    return check.healthy
      ? session.up({ groups })
      : session.down({ groups, problems: [...check.problems] });
  }
}
