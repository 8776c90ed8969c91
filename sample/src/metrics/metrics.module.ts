import { Module } from '@nestjs/common';
import { KarafkaEventCounter } from './karafka-event-counter.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistrar } from './metrics.registrar.js';

@Module({
  controllers: [MetricsController],
  providers: [KarafkaEventCounter, MetricsRegistrar],
})
export class MetricsModule {}
