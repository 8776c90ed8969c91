import { Module, type DynamicModule } from '@nestjs/common';
import { KARAFKA_METRICS_SOURCE } from '../karafka.constants.js';
import { KarafkaMetrics } from './karafka-metrics.js';
import { KARAFKA_METRICS_OPTIONS, type KarafkaMetricsOptions } from './karafka-metrics.options.js';
import { metricsController } from './metrics.controller.js';

/**
 * Prometheus metrics for nestjs-karafka (needs `prom-client`, an optional peer). Import
 * `KarafkaMetricsModule.forRoot()` next to `KarafkaModule.forRoot()`: GET /metrics on the app's
 * HTTP server, or on a port of its own with `{ port }` for apps without HTTP.
 */
@Module({})
export class KarafkaMetricsModule {
  /** Registers the metrics and the scrape endpoint. */
  static forRoot(options: KarafkaMetricsOptions = {}): DynamicModule {
    return {
      module: KarafkaMetricsModule,
      providers: [
        { provide: KARAFKA_METRICS_OPTIONS, useValue: options },
        KarafkaMetrics,
        // What a swarm's supervisor collects from each worker for its own /metrics.
        { provide: KARAFKA_METRICS_SOURCE, useExisting: KarafkaMetrics },
      ],
      controllers: options.port === undefined ? [metricsController(options.path ?? 'metrics')] : [],
      exports: [KarafkaMetrics],
    };
  }
}
