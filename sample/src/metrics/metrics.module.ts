import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ConsumeTimingInterceptor } from './consume-timing.interceptor.js';
import { KarafkaEventCounter } from './karafka-event-counter.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistrar } from './metrics.registrar.js';

@Module({
  controllers: [MetricsController],
  providers: [
    KarafkaEventCounter,
    MetricsRegistrar,
    { provide: APP_INTERCEPTOR, useClass: ConsumeTimingInterceptor },
  ],
})
export class MetricsModule {}
