/**
 * What every part of the benchmark shares: sizes from the environment, the consumer fetch
 * settings all variants use, and the task input a worker process receives.
 */

export const RESULT_PREFIX = '@@bench-result ';

/** Same fetch settings for every consumer variant (kafkajs names; karafka maps them 1:1). */
export const FETCH = {
  maxBytes: 10 * 1024 * 1024,
  maxBytesPerPartition: 1024 * 1024,
  minBytes: 1,
  maxWaitTimeInMs: 500,
  sessionTimeout: 30_000,
  heartbeatInterval: 3_000,
} as const;

/** FETCH under nestjs-karafka's `consumer` option names, for every karafka variant. */
export const KARAFKA_CONSUMER = {
  maxBytes: FETCH.maxBytes,
  maxBytesPerPartition: FETCH.maxBytesPerPartition,
  minBytes: FETCH.minBytes,
  maxWaitTime: FETCH.maxWaitTimeInMs,
  sessionTimeout: FETCH.sessionTimeout,
  heartbeatInterval: FETCH.heartbeatInterval,
} as const;

/** Partitions processed at once: karafka's default `concurrency`, given to the others too. */
export const CONCURRENCY = 3;

export interface BenchSettings {
  /** Messages pre-produced to the consume topic. */
  messages: number;
  partitions: number;
  runs: number;
  /** Messages per producer-throughput run. */
  produceMessages: number;
  /** Sequential messages per latency run. */
  latencyMessages: number;
  /** Routes of the bootstrap measurement. */
  routes: number;
  /** Child process timeout, ms. */
  taskTimeoutMs: number;
}

function intFromEnv(name: string, fallback: number, min = 1): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number >= ${min}, got "${text}"`);
  }
  return value;
}

export function readSettings(): BenchSettings {
  const messages = intFromEnv('BENCH_MESSAGES', 500_000, 100);
  return {
    messages,
    partitions: intFromEnv('BENCH_PARTITIONS', 6),
    runs: intFromEnv('BENCH_RUNS', 3),
    produceMessages: intFromEnv('BENCH_PRODUCE_MESSAGES', Math.min(messages, 200_000), 100),
    latencyMessages: intFromEnv('BENCH_LATENCY_MESSAGES', 5_000, 10),
    routes: intFromEnv('BENCH_ROUTES', 500),
    taskTimeoutMs: intFromEnv('BENCH_TASK_TIMEOUT_MS', Math.max(180_000, messages * 2)),
  };
}

/** What the runner hands a worker (as JSON in BENCH_TASK). */
export interface TaskInput {
  task: string;
  brokers: string[];
  /** Topic to read (consume tasks) or to write (produce tasks; created by the runner). */
  topic: string;
  /** Messages to expect (consume) or to send (produce, latency). */
  messages: number;
  partitions: number;
  /** Unique per run: group ids and client ids derive from it. */
  runId: string;
  routes: number;
  /** Extra per-task options, e.g. in-flight requests of the raw producer. */
  options?: Record<string, number | string | boolean>;
}

export interface ThroughputResult {
  messages: number;
  /** ms from consumer ready (group joined) to the last message (consume), or from the first send to the last ack (produce). */
  durationMs: number;
  messagesPerSecond: number;
  /** Consume only: the rate from the first delivery to the last message (see ThroughputMeter). */
  firstToLastMessagesPerSecond?: number;
  firstToLastMs?: number;
  firstMessageAfterReadyMs?: number;
  peakRssMb: number;
  /** Consume only: CPU time (user + system) of the worker per message over the drain, µs. */
  cpuUsPerMessage?: number;
  /** Free-form facts of the variant (batches, consume calls...). */
  notes?: Record<string, number | string>;
}

export interface LatencyResult {
  messages: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  peakRssMb: number;
}

export interface BootstrapResult {
  routes: number;
  /** RoutesExplorer.explore() on the initialized app (500 routes), ms. */
  exploreMs: number;
  /** createApplicationContext (includes init) with the routes, ms. */
  initWithRoutesMs: number;
  /** The same app without consumer classes, ms. */
  initBaselineMs: number;
  /** initWithRoutesMs - initBaselineMs. */
  initDeltaMs: number;
  peakRssMb: number;
}

export type TaskResult = ThroughputResult | LatencyResult | BootstrapResult;
