/*
 * nestjs-karafka/metrics: Prometheus metrics with consumer lag. Pulls in `prom-client` (an
 * optional peer), so it has its own entry point: apps that do not import it load nothing.
 */
export { KarafkaMetricsModule } from './karafka-metrics.module.js';
export { KarafkaMetrics, PROMETHEUS_CONTENT_TYPE } from './karafka-metrics.js';
export type { KarafkaMetricsOptions } from './karafka-metrics.options.js';
