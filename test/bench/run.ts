/**
 * `npm run bench`: starts a dedicated broker (unless KAFKA_BROKERS), fills a topic once, runs
 * every variant BENCH_RUNS times in its own process, prints a table and writes
 * test/bench/results.md and results.json. Env: BENCH_MESSAGES (500000), BENCH_RUNS (3),
 * BENCH_PARTITIONS (6), BENCH_PRODUCE_MESSAGES, BENCH_LATENCY_MESSAGES (5000), BENCH_ROUTES (500),
 * BENCH_ONLY (labels or kinds; then no results files are written), BENCH_CPU_PROF (labels),
 * BENCH_BASELINE (a git ref: its build's karafka-batch/karafka-single run interleaved with this
 * build's, labelled `<label>@<ref>`; BENCH_BASELINE_LABELS picks other labels; no results files).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareBaseline, type Baseline } from './baseline.js';
import { startBroker, type BenchBroker } from './broker.js';
import { deleteTopics, prepareConsumeTopic } from './data.js';
import { prepareAvroTopic } from './data-avro.js';
import { startApicurio, type RunningRegistry } from '../support/apicurio.js';
import { machineInfo } from './machine.js';
import { buildReport, type VariantRuns } from './report.js';
import {
  readSettings,
  type LatencyResult,
  type TaskInput,
  type ThroughputResult,
  type BootstrapResult,
} from './settings.js';
import { killActiveWorker, runWorker, selectedPlan, type PlannedTask } from './tasks.js';

const here = dirname(fileURLToPath(import.meta.url));
// dist/test/bench -> test/bench (results live next to the sources)
const resultsDir = join(here, '..', '..', '..', 'test', 'bench');

const log = (line: string): void => {
  process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

function describe(planned: PlannedTask, result: unknown): string {
  if (planned.kind === 'consume' || planned.kind === 'produce') {
    const r = result as ThroughputResult;
    const cpu = r.cpuUsPerMessage ? `, CPU ${r.cpuUsPerMessage} µs/msg` : '';
    const restart =
      r.notes?.restartMs === undefined
        ? ''
        : `, restart of a killed worker ${r.notes.restartMs} ms`;
    return `${r.messagesPerSecond.toLocaleString('en-US')} msg/s (${r.messages} in ${r.durationMs} ms, peak RSS ${r.peakRssMb} MB${cpu}${restart})`;
  }
  if (planned.kind === 'latency') {
    const r = result as LatencyResult;
    return `p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, p99 ${r.p99Ms} ms`;
  }
  const r = result as BootstrapResult;
  return `explore() ${r.exploreMs} ms; app ${r.initWithRoutesMs} ms with routes vs ${r.initBaselineMs} ms without`;
}

function rotatedWithinKinds(plan: PlannedTask[], by: number): PlannedTask[] {
  const kinds = [...new Set(plan.map((t) => t.kind))];
  return kinds.flatMap((kind) => {
    const group = plan.filter((t) => t.kind === kind);
    const shift = by % group.length;
    return [...group.slice(shift), ...group.slice(0, shift)];
  });
}

async function main(): Promise<void> {
  const settings = readSettings();
  const baselineRef = process.env.BENCH_BASELINE?.trim();
  const baseline: Baseline | undefined = baselineRef
    ? prepareBaseline(baselineRef, selectedPlan(), log)
    : undefined;
  // Each baseline variant right after its current one: interleaved runs see the same noise.
  const plan = selectedPlan().flatMap((task) => [
    task,
    ...(baseline?.tasks.filter((b) => b.label === `${task.label}@${baseline.ref}`) ?? []),
  ]);
  const partial = Boolean(process.env.BENCH_ONLY) || baseline !== undefined;
  const session = `bench-${Date.now().toString(36)}`;
  log(
    `${settings.messages} messages, ${settings.partitions} partitions, ${settings.runs} run(s); ` +
      `${plan.length} variants: ${plan.map((t) => t.label).join(', ')}`,
  );

  let broker: BenchBroker | undefined;
  let registry: RunningRegistry | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the worker and the broker...`);
    killActiveWorker();
    void Promise.all([broker?.stop(), registry?.stop()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    broker = await startBroker(log);
    const machine = machineInfo(broker.kafkaVersion);
    if (machine.loadAverageAtStart[0]! > 0.5 * machine.cores) {
      log(
        `warning: load average ${machine.loadAverageAtStart[0]} on ${machine.cores} cores; figures will be noisy`,
      );
    }
    const consumeTopic = `${session}-consume`;
    if (plan.some((t) => t.kind === 'consume')) {
      log(`producing the data set to ${consumeTopic}...`);
      await prepareConsumeTopic(
        broker.brokers,
        consumeTopic,
        settings.partitions,
        settings.messages,
        log,
      );
    }

    // The Avro variant reads the same messages, Avro-encoded, from a topic of its own, decoded
    // through a real schema registry (Apicurio, started only when that variant is selected).
    const avroTopic = `${session}-consume-avro`;
    if (plan.some((t) => t.options?.avro)) {
      registry = await startApicurio(log);
      log(`producing the Avro data set to ${avroTopic}...`);
      await prepareAvroTopic(
        broker.brokers,
        registry.url,
        avroTopic,
        settings.partitions,
        settings.messages,
        log,
      );
    }

    const variants = new Map<string, VariantRuns>(
      plan.map((t) => [t.label, { label: t.label, kind: t.kind, title: t.title, runs: [] }]),
    );
    // Runs interleave the variants, so a slow spell of the machine hits all of them alike, and
    // each run rotates the order within a kind, so no variant always goes first (cold broker).
    for (let run = 1; run <= settings.runs; run++) {
      for (const planned of rotatedWithinKinds(plan, run - 1)) {
        // Group ids and client ids derive from it: a baseline label's `@ref` is no valid name there.
        const runId = `${session}-${planned.label}-${run}`.replace(/[^A-Za-z0-9._-]/g, '_');
        const input: TaskInput = {
          task: planned.task,
          brokers: broker.brokers,
          topic:
            planned.kind === 'consume' ? (planned.options?.avro ? avroTopic : consumeTopic) : runId,
          messages:
            planned.kind === 'consume'
              ? settings.messages
              : planned.kind === 'produce'
                ? settings.produceMessages
                : settings.latencyMessages,
          partitions: settings.partitions,
          runId,
          routes: settings.routes,
          options:
            planned.options?.avro && registry
              ? { ...planned.options, registryUrl: registry.url }
              : planned.options,
        };
        const started = Date.now();
        const result = await runWorker(planned, input, settings.taskTimeoutMs, run);
        variants.get(planned.label)!.runs.push(result);
        const window = (result as ThroughputResult).notes?.profileWindowUs;
        if (window && process.env.BENCH_CPU_PROF?.split(',').includes(planned.label)) {
          log(`${planned.label} drain window for profile-summary: ${window}`);
        }
        log(
          `run ${run}/${settings.runs} ${planned.kind} ${planned.label}: ${describe(planned, result)} ` +
            `[${((Date.now() - started) / 1000).toFixed(1)} s]`,
        );
      }
    }

    const report = buildReport({
      settings,
      machine,
      variants: [...variants.values()],
      plan,
      date: new Date(),
      loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
    });
    process.stdout.write(`\n${report.table}\n\n`);
    process.stdout.write(`ratios: ${JSON.stringify(report.json.ratios)}\n`);
    if (baseline) {
      for (const task of baseline.tasks) {
        const label = task.label.slice(0, -(baseline.ref.length + 1));
        const now = medianRate(variants.get(label));
        const before = medianRate(variants.get(task.label));
        process.stdout.write(
          `${label}: ${now ?? '-'} msg/s now vs ${before ?? '-'} msg/s at ${baseline.ref}` +
            (now && before ? ` (x${(now / before).toFixed(3)})` : '') +
            '\n',
        );
      }
    }
    if (partial) {
      log('BENCH_ONLY or BENCH_BASELINE is set: results.md / results.json left as they are');
    } else {
      writeFileSync(join(resultsDir, 'results.json'), `${JSON.stringify(report.json, null, 2)}\n`);
      writeFileSync(join(resultsDir, 'results.md'), report.markdown);
      log(`wrote ${join(resultsDir, 'results.md')} and results.json`);
    }
    await deleteTopics(broker.brokers, session).catch((error: unknown) =>
      log(`could not delete the benchmark topics: ${String(error)}`),
    );
  } finally {
    baseline?.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await registry?.stop();
    await broker?.stop();
  }
}

function medianRate(variant: VariantRuns | undefined): number | undefined {
  const rates = (variant?.runs ?? [])
    .map((run) => (run as ThroughputResult).messagesPerSecond)
    .filter((rate): rate is number => typeof rate === 'number')
    .sort((a, b) => a - b);
  if (!rates.length) return undefined;
  const mid = Math.floor(rates.length / 2);
  return Math.round(rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
