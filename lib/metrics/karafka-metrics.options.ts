import type { Registry } from 'prom-client';

/** Options of `KarafkaMetricsModule.forRoot()`. */
export interface KarafkaMetricsOptions {
  /**
   * Path of the scrape endpoint on the app's own HTTP server (a Nest controller).
   * Default `metrics` (GET /metrics). Ignored when `port` is set.
   */
  path?: string;
  /**
   * Serve the metrics on their own port instead (apps without HTTP, e.g. `karafka server`):
   * GET /<path> on `host:port`. 0 picks a free port (see `KarafkaMetrics.port`).
   */
  port?: number;
  /** Interface of the own port. Default `127.0.0.1`; `0.0.0.0` in a container. */
  host?: string;
  /** The prom-client registry to register in. Default: a registry of its own. */
  registry?: Registry;
  /** Prefix of every metric name. Default `karafka_`. */
  prefix?: string;
  /** Also collect prom-client's default Node.js process metrics. Default false. */
  defaultMetrics?: boolean;
  /**
   * How often (ms) high watermarks and committed offsets of partitions are read from Kafka's
   * admin API, so the lag of paused or idle partitions stays current. Default 15 000; 0 turns
   * it off (lag then comes from fetched batches only).
   */
  lagInterval?: number;
  /** Buckets (seconds) of the consume duration histogram. */
  consumeBuckets?: number[];
  /** Buckets (seconds) of the producer acknowledgement latency histogram. */
  ackBuckets?: number[];
}

// Symbol.for: the same token whichever build (CommonJS or ESM) an app loads this from.
export const KARAFKA_METRICS_OPTIONS = Symbol.for('nestjs-karafka:KARAFKA_METRICS_OPTIONS');
