import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { KarafkaHealthIndicator } from 'nestjs-karafka/health';

/**
 * Kubernetes probes: readiness (every consumer group connected and joined) and liveness (no
 * crash loop, no stuck consume, no partition failing for too long). 503 with the group, topic
 * and partition at fault when not.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly karafka: KarafkaHealthIndicator,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.karafka.isReady('kafka')]);
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.karafka.isAlive('kafka')]);
  }
}
