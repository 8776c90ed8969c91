import { Controller, Get } from '@nestjs/common';
import { KarafkaEventCounter, type KarafkaMetrics } from './karafka-event-counter.js';

@Controller('metrics')
export class MetricsController {
  constructor(private readonly counter: KarafkaEventCounter) {}

  /** Karafka's instrumentation events counted by name, since the app started. */
  @Get('karafka')
  karafka(): KarafkaMetrics {
    return this.counter.snapshot();
  }
}
