import type { LatencyResult } from './settings.js';
import { mean, percentile, round } from './stats.js';

/** Messages per raw kafkajs request; the framework's background batches are capped at the same. */
export const CHUNK = 1_000;
/** Sequential sends before the latency samples start. */
export const WARMUP = 200;

export function rate(messages: number, durationMs: number): number {
  return durationMs > 0 ? Math.round((messages / durationMs) * 1000) : 0;
}

export function latencyResult(samples: number[], peakRssMb: number): LatencyResult {
  const sorted = samples.sort((a, b) => a - b);
  return {
    messages: sorted.length,
    p50Ms: round(percentile(sorted, 50), 3),
    p95Ms: round(percentile(sorted, 95), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    meanMs: round(mean(sorted), 3),
    maxMs: round(sorted[sorted.length - 1]!, 3),
    peakRssMb,
  };
}
