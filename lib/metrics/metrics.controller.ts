import { Controller, Get, Header, type Type } from '@nestjs/common';
import { KarafkaMetrics, PROMETHEUS_CONTENT_TYPE } from './karafka-metrics.js';

/** The scrape endpoint on the app's HTTP server: `GET /<path>` (a class per path). */
export function metricsController(path: string): Type {
  @Controller()
  class KarafkaMetricsController {
    constructor(private readonly metrics: KarafkaMetrics) {}

    @Get(path)
    @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
    scrape(): Promise<string> {
      return this.metrics.metrics();
    }
  }
  return KarafkaMetricsController;
}
