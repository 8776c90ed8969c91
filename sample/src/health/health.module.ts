import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KarafkaHealthModule } from 'nestjs-karafka/health';
import { HealthController } from './health.controller.js';

@Module({
  imports: [
    TerminusModule,
    // A consume call over a minute, or a partition failing for five, makes the pod not alive.
    KarafkaHealthModule.forRoot({ maxConsumeTime: 60_000, maxBackoffTime: 300_000 }),
  ],
  controllers: [HealthController],
})
export class HealthModule {}
