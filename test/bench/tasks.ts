import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, type TaskInput, type TaskResult } from './settings.js';

export type TaskKind = 'consume' | 'produce' | 'latency' | 'bootstrap';

/** One measured variant: `label` names it in the report, `task` is the worker's function. */
export interface PlannedTask {
  label: string;
  kind: TaskKind;
  task: string;
  title: string;
  options?: TaskInput['options'];
  /** The worker script; default this build's. A baseline build's variants point at theirs. */
  workerPath?: string;
}

export const PLAN: PlannedTask[] = [
  {
    label: 'raw-each-batch',
    kind: 'consume',
    task: 'consume.raw-each-batch',
    title: 'kafkajs eachBatch (no-op, resolves offsets)',
  },
  {
    label: 'raw-each-batch-parse',
    kind: 'consume',
    task: 'consume.raw-each-batch-parse',
    title: 'kafkajs eachBatch + JSON.parse of every value',
  },
  {
    label: 'raw-each-message',
    kind: 'consume',
    task: 'consume.raw-each-message',
    title: 'kafkajs eachMessage (no-op)',
  },
  {
    label: 'karafka-batch',
    kind: 'consume',
    task: 'consume.karafka-batch',
    title: 'nestjs-karafka batch: true (reads payload)',
  },
  {
    label: 'karafka-batch-interceptor',
    kind: 'consume',
    task: 'consume.karafka-batch-interceptor',
    title: 'nestjs-karafka batch: true + one interceptor',
  },
  {
    label: 'karafka-batch-enhanced',
    kind: 'consume',
    task: 'consume.karafka-batch-enhanced',
    title: 'nestjs-karafka batch: true + guard, interceptor and filter',
  },
  {
    label: 'karafka-batch-avro',
    kind: 'consume',
    task: 'consume.karafka-batch-avro',
    title: 'nestjs-karafka batch: true, Avro through the schema registry (cached schema)',
    options: { avro: true },
  },
  {
    label: 'karafka-batch-observed',
    kind: 'consume',
    task: 'consume.karafka-batch-observed',
    title: 'batch: true + tracing (OTel SDK, in-memory exporter) + Prometheus metrics',
  },
  {
    label: 'karafka-single',
    kind: 'consume',
    task: 'consume.karafka-single',
    title: 'nestjs-karafka batch: false (reads payload)',
  },
  {
    label: 'karafka-transform',
    kind: 'consume',
    task: 'consume.karafka-transform',
    title: 'nestjs-karafka batch + one response per message (at-least-once)',
  },
  {
    label: 'karafka-transform-eo',
    kind: 'consume',
    task: 'consume.karafka-transform-eo',
    title: 'the same with exactlyOnce: true (a transaction per call)',
  },
  {
    label: 'karafka-io',
    kind: 'consume',
    task: 'consume.karafka-io',
    title: 'I/O-bound: 1 partition, 5,000 msgs, each awaits 5 ms (batch: true)',
  },
  {
    label: 'karafka-io-vp10',
    kind: 'consume',
    task: 'consume.karafka-io',
    title: 'the same with virtualPartitions { max: 10 }',
    options: { virtualPartitions: 10 },
  },
  {
    label: 'karafka-io-vp10-balanced',
    kind: 'consume',
    task: 'consume.karafka-io',
    title: "the same with { max: 10, distribution: 'balanced' }",
    options: { virtualPartitions: 10, distribution: 'balanced' },
  },
  {
    label: 'karafka-cpu',
    kind: 'consume',
    task: 'consume.karafka-cpu',
    title: 'CPU-bound batch: 10x sha256 per payload',
  },
  {
    label: 'karafka-cpu-vp4',
    kind: 'consume',
    task: 'consume.karafka-cpu',
    title: 'the same with virtualPartitions { max: 4 }',
    options: { virtualPartitions: 4 },
  },
  {
    label: 'karafka-swarm-1',
    kind: 'consume',
    task: 'consume.karafka-swarm',
    title: 'CPU-bound batch in runSwarm, 1 worker process',
    options: { workers: 1 },
  },
  {
    label: 'karafka-swarm-2',
    kind: 'consume',
    task: 'consume.karafka-swarm',
    title: 'CPU-bound batch in runSwarm, 2 worker processes',
    options: { workers: 2 },
  },
  {
    label: 'nest-transport',
    kind: 'consume',
    task: 'consume.nest-transport',
    title: '@nestjs/microservices Kafka @EventPattern (ServerKafka)',
  },
  {
    label: 'pattern-single',
    kind: 'consume',
    task: 'consume.pattern-single',
    title: 'Nest @EventPattern handler on KarafkaServer',
  },
  {
    label: 'pattern-batch',
    kind: 'consume',
    task: 'consume.pattern-batch',
    title: 'Nest @EventPattern handler on KarafkaServer, @KarafkaRoute({ batch: true })',
  },
  {
    label: 'raw-send-1',
    kind: 'produce',
    task: 'produce.raw-send',
    title: 'kafkajs send, 1,000/chunk, 1 in flight',
    options: { inFlight: 1 },
  },
  {
    label: 'raw-send-5',
    kind: 'produce',
    task: 'produce.raw-send',
    title: 'kafkajs send, 1,000/chunk, 5 in flight',
    options: { inFlight: 5 },
  },
  {
    label: 'karafka-async',
    kind: 'produce',
    task: 'produce.karafka-async',
    title: 'Producer.produceAsync (loop, await last)',
  },
  {
    label: 'raw-send-acks-all',
    kind: 'latency',
    task: 'latency.raw-send-acks-all',
    title: 'kafkajs send 1 message, acks -1',
  },
  {
    label: 'karafka-sync-acks-all',
    kind: 'latency',
    task: 'latency.karafka-sync-acks-all',
    title: 'Producer.produceSync, acks -1',
  },
  {
    label: 'raw-send-acks-0',
    kind: 'latency',
    task: 'latency.raw-send-acks-0',
    title: 'kafkajs send 1 message, acks 0',
  },
  {
    label: 'karafka-sync-acks-0',
    kind: 'latency',
    task: 'latency.karafka-sync-acks-0',
    title: 'Producer.produceSync, with({ acks: 0 })',
  },
  { label: 'routes', kind: 'bootstrap', task: 'bootstrap.routes', title: 'route table' },
];

/** BENCH_ONLY=karafka-batch,nest-transport runs only those labels (or kinds: consume, produce...). */
export function selectedPlan(): PlannedTask[] {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!only?.length) return PLAN;
  const plan = PLAN.filter((t) => only.includes(t.label) || only.includes(t.kind));
  if (!plan.length)
    throw new Error(
      `BENCH_ONLY=${process.env.BENCH_ONLY} matches no task; labels: ${PLAN.map((t) => t.label).join(', ')}`,
    );
  return plan;
}

const here = dirname(fileURLToPath(import.meta.url));
let active: ReturnType<typeof fork> | undefined;

/** Kills the worker that runs now (Ctrl-C). */
export function killActiveWorker(): void {
  if (active?.pid && active.exitCode === null) active.kill('SIGKILL');
}

/**
 * Runs one task in a fresh Node process (no JIT state or heap shared between variants) and
 * returns the result line it printed. BENCH_CPU_PROF=<label,...> adds --cpu-prof to it.
 */
export function runWorker(
  planned: PlannedTask,
  input: TaskInput,
  timeoutMs: number,
  run: number,
): Promise<TaskResult> {
  const execArgv = ['--expose-gc'];
  const profile = process.env.BENCH_CPU_PROF?.split(',').map((s) => s.trim());
  if (profile?.includes(planned.label)) {
    const dir = resolve(process.env.BENCH_CPU_PROF_DIR ?? 'test/bench/profiles');
    mkdirSync(dir, { recursive: true });
    execArgv.push(
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-name=${planned.label}-run${run}.cpuprofile`,
      `--cpu-prof-interval=${process.env.BENCH_CPU_PROF_INTERVAL ?? '100'}`,
    );
  }
  return new Promise((resolvePromise, reject) => {
    const child = fork(planned.workerPath ?? join(here, 'worker.js'), [], {
      execArgv,
      env: {
        ...process.env,
        BENCH_TASK: JSON.stringify(input),
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    active = child;
    let result: TaskResult | undefined;
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith(RESULT_PREFIX))
          result = JSON.parse(line.slice(RESULT_PREFIX.length)) as TaskResult;
        else if (line.trim()) process.stdout.write(`    [${planned.label}] ${line}\n`);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${planned.label} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      active = undefined;
      if (code === 0 && result) resolvePromise(result);
      else
        reject(
          new Error(
            `${planned.label} exited with ${signal ?? `code ${code}`}${result ? '' : ' and no result'}`,
          ),
        );
    });
  });
}
