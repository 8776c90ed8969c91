/**
 * One benchmark task in its own process (forked by run.ts): reads BENCH_TASK (JSON TaskInput),
 * runs the task, prints one result line (RESULT_PREFIX + JSON) and exits.
 */
import 'reflect-metadata';
import { RESULT_PREFIX, type TaskInput, type TaskResult } from './settings.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

// Imported lazily, so a raw kafkajs worker does not load Nest (its RSS is kafkajs' own).
const TASKS: Record<string, (input: TaskInput) => Promise<TaskResult>> = {
  'consume.raw-each-batch': async (input) =>
    (await import('./consume-raw.js')).consumeRaw(input, 'eachBatch'),
  'consume.raw-each-batch-parse': async (input) =>
    (await import('./consume-raw.js')).consumeRaw(input, 'eachBatchParse'),
  'consume.raw-each-message': async (input) =>
    (await import('./consume-raw.js')).consumeRaw(input, 'eachMessage'),
  'consume.karafka-batch': async (input) =>
    (await import('./consume-karafka.js')).consumeKarafka(input, true),
  'consume.karafka-batch-interceptor': async (input) =>
    (await import('./consume-karafka.js')).consumeKarafka(input, true, {
      enhancers: 'interceptor',
    }),
  'consume.karafka-batch-enhanced': async (input) =>
    (await import('./consume-karafka.js')).consumeKarafka(input, true, {
      enhancers: 'guard-interceptor-filter',
    }),
  'consume.karafka-batch-avro': async (input) =>
    (await import('./consume-karafka.js')).consumeKarafka(input, true),
  'consume.karafka-batch-observed': async (input) =>
    (await import('./consume-karafka.js')).consumeKarafka(input, true, { observed: true }),
  'consume.karafka-single': async (input) =>
    (await import('./consume-karafka.js')).consumeKarafka(input, false),
  'consume.karafka-transform': async (input) =>
    (await import('./consume-transform.js')).consumeTransform(input, false),
  'consume.karafka-transform-eo': async (input) =>
    (await import('./consume-transform.js')).consumeTransform(input, true),
  'consume.karafka-io': async (input) =>
    (await import('./consume-parallel.js')).consumeIoBound(input),
  'consume.karafka-cpu': async (input) =>
    (await import('./consume-parallel.js')).consumeCpuBound(input),
  'consume.karafka-swarm': async (input) =>
    (await import('./consume-parallel.js')).consumeSwarm(input),
  'consume.nest-transport': async (input) => (await import('./consume-nest.js')).consumeNest(input),
  'consume.pattern-single': async (input) =>
    (await import('./consume-pattern.js')).consumePattern(input, false),
  'consume.pattern-batch': async (input) =>
    (await import('./consume-pattern.js')).consumePattern(input, true),
  'produce.raw-send': async (input) => (await import('./produce-raw.js')).produceRawBatched(input),
  'produce.karafka-async': async (input) =>
    (await import('./produce-karafka.js')).produceKarafkaAsync(input),
  'latency.raw-send-acks-all': async (input) =>
    (await import('./produce-raw.js')).latencyRawSend(input, -1),
  'latency.raw-send-acks-0': async (input) =>
    (await import('./produce-raw.js')).latencyRawSend(input, 0),
  'latency.karafka-sync-acks-all': async (input) =>
    (await import('./produce-karafka.js')).latencyKarafkaSync(input, -1),
  'latency.karafka-sync-acks-0': async (input) =>
    (await import('./produce-karafka.js')).latencyKarafkaSync(input, 0),
  'bootstrap.routes': async (input) => (await import('./bootstrap.js')).bootstrapRoutes(input),
};

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_TASK ?? 'null') as TaskInput | null;
  if (!input) throw new Error('BENCH_TASK is not set; run the benchmark with `npm run bench`');
  const task = TASKS[input.task];
  if (!task) throw new Error(`unknown task ${input.task}`);
  const result = await task(input);
  await new Promise<void>((resolve) =>
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`, () => resolve()),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
