import type { MachineInfo } from './machine.js';
import type { BenchSettings, TaskResult } from './settings.js';
import { median, round } from './stats.js';
import type { PlannedTask, TaskKind } from './tasks.js';

export interface VariantRuns {
  label: string;
  kind: TaskKind;
  title: string;
  runs: TaskResult[];
}

type Figures = Record<string, number>;

/** Median over runs of every numeric field of a variant's results. */
function medians(runs: TaskResult[]): Figures {
  const keys = new Set(runs.flatMap((run) => Object.keys(run)));
  const out: Figures = {};
  for (const key of keys) {
    const values = runs
      .map((run) => (run as unknown as Record<string, unknown>)[key])
      .filter((value): value is number => typeof value === 'number');
    if (values.length) out[key] = round(median(values), 3);
  }
  return out;
}

export interface Report {
  json: Record<string, unknown>;
  markdown: string;
  table: string;
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || !b ? null : round(a / b, 3);
}

const fmt = (n: number | undefined | null, digits = 0): string =>
  n === undefined || n === null || Number.isNaN(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmtRatio = (r: number | null): string => (r === null ? 'n/a' : `${r.toFixed(2)}x`);

export function buildReport(opts: {
  settings: BenchSettings;
  machine: MachineInfo;
  variants: VariantRuns[];
  plan: PlannedTask[];
  date: Date;
  loadAverageAtEnd: number[];
}): Report {
  const { settings, machine, variants, date } = opts;
  const byLabel = new Map(variants.map((v) => [v.label, { ...v, median: medians(v.runs) }]));
  const m = (label: string, key: string): number | undefined => byLabel.get(label)?.median[key];
  const mps = (label: string) => m(label, 'messagesPerSecond');

  const rawSends = [mps('raw-send-1'), mps('raw-send-5')].filter(
    (v): v is number => v !== undefined,
  );
  const bestRawSend = rawSends.length ? Math.max(...rawSends) : undefined;
  const ratios = {
    batchVsRawEachBatch: ratio(mps('karafka-batch'), mps('raw-each-batch')),
    // Same work (every payload JSON-parsed) on both sides: the framework's own cost.
    batchVsRawEachBatchParse: ratio(mps('karafka-batch'), mps('raw-each-batch-parse')),
    batchVsNest: ratio(mps('karafka-batch'), mps('nest-transport')),
    // Nest enhancers around consume, against plain batch (target >= 0.95).
    batchInterceptorVsBatch: ratio(mps('karafka-batch-interceptor'), mps('karafka-batch')),
    batchEnhancedVsBatch: ratio(mps('karafka-batch-enhanced'), mps('karafka-batch')),
    batchInterceptorVsBatchCpu: ratio(
      m('karafka-batch', 'cpuUsPerMessage'),
      m('karafka-batch-interceptor', 'cpuUsPerMessage'),
    ),
    batchEnhancedVsBatchCpu: ratio(
      m('karafka-batch', 'cpuUsPerMessage'),
      m('karafka-batch-enhanced', 'cpuUsPerMessage'),
    ),
    batchAvroVsBatchJson: ratio(mps('karafka-batch-avro'), mps('karafka-batch')),
    observedBatchVsBatch: ratio(mps('karafka-batch-observed'), mps('karafka-batch')),
    // CPU per message, plain over observed: the same ratio, far less sensitive to other load.
    observedBatchVsBatchCpu: ratio(
      m('karafka-batch', 'cpuUsPerMessage'),
      m('karafka-batch-observed', 'cpuUsPerMessage'),
    ),
    singleVsNest: ratio(mps('karafka-single'), mps('nest-transport')),
    singleVsRawEachMessage: ratio(mps('karafka-single'), mps('raw-each-message')),
    nestVsRawEachBatch: ratio(mps('nest-transport'), mps('raw-each-batch')),
    // Consume-transform-produce: what the transactions cost over at-least-once responders.
    transformExactlyOnceVsAtLeastOnce: ratio(mps('karafka-transform-eo'), mps('karafka-transform')),
    // The same @EventPattern controller on KarafkaServer vs on ServerKafka (issue 12: >= 3x).
    patternSingleVsNest: ratio(mps('pattern-single'), mps('nest-transport')),
    patternBatchVsNest: ratio(mps('pattern-batch'), mps('nest-transport')),
    patternSingleVsNestCpu: ratio(
      m('nest-transport', 'cpuUsPerMessage'),
      m('pattern-single', 'cpuUsPerMessage'),
    ),
    patternBatchVsNestCpu: ratio(
      m('nest-transport', 'cpuUsPerMessage'),
      m('pattern-batch', 'cpuUsPerMessage'),
    ),
    // Against the faster of the two raw figures: the driver's ceiling on this machine.
    produceAsyncVsRaw: ratio(mps('karafka-async'), bestRawSend),
    produceAsyncVsRawSequential: ratio(mps('karafka-async'), mps('raw-send-1')),
    produceAsyncVsRaw5InFlight: ratio(mps('karafka-async'), mps('raw-send-5')),
    // Parallelism (issue 16): virtual partitions vs none on the same work, 2 vs 1 swarm workers.
    ioVirtualPartitionsVsNone: ratio(mps('karafka-io-vp10'), mps('karafka-io')),
    ioBalancedVirtualPartitionsVsNone: ratio(mps('karafka-io-vp10-balanced'), mps('karafka-io')),
    cpuVirtualPartitionsVsNone: ratio(mps('karafka-cpu-vp4'), mps('karafka-cpu')),
    // CPU per message, without over with: the cost of the split, far less sensitive to other load.
    cpuVirtualPartitionsVsNoneCpu: ratio(
      m('karafka-cpu', 'cpuUsPerMessage'),
      m('karafka-cpu-vp4', 'cpuUsPerMessage'),
    ),
    swarm2VsSwarm1: ratio(mps('karafka-swarm-2'), mps('karafka-swarm-1')),
    produceSyncAcksAllP50VsRaw: ratio(
      m('karafka-sync-acks-all', 'p50Ms'),
      m('raw-send-acks-all', 'p50Ms'),
    ),
  };
  const produceSyncAcksAllP50Ms = m('karafka-sync-acks-all', 'p50Ms') ?? null;
  const peakRssMb = m('karafka-batch', 'peakRssMb') ?? null;
  const routeTable500Ms = m('routes', 'exploreMs') ?? null;
  const small = settings.messages < 500_000 || settings.runs < 3;

  const targets = [
    {
      target: 'batch mode >= 0.9x raw eachBatch',
      value: ratios.batchVsRawEachBatch,
      met: ok(ratios.batchVsRawEachBatch, (v) => v >= 0.9),
    },
    {
      target: 'batch + tracing + metrics >= 0.9x plain batch',
      value: ratios.observedBatchVsBatch,
      met: ok(ratios.observedBatchVsBatch, (v) => v >= 0.9),
    },
    {
      target: 'batch mode faster than the Nest transport',
      value: ratios.batchVsNest,
      met: ok(ratios.batchVsNest, (v) => v > 1),
    },
    {
      target: 'single mode faster than the Nest transport',
      value: ratios.singleVsNest,
      met: ok(ratios.singleVsNest, (v) => v > 1),
    },
    {
      target: 'exactlyOnce consume-transform-produce >= 0.5x at-least-once',
      value: ratios.transformExactlyOnceVsAtLeastOnce,
      met: ok(ratios.transformExactlyOnceVsAtLeastOnce, (v) => v >= 0.5),
    },
    {
      target: 'Nest @EventPattern on KarafkaServer >= 3x on ServerKafka (one message per call)',
      value: ratios.patternSingleVsNest,
      met: ok(ratios.patternSingleVsNest, (v) => v >= 3),
    },
    {
      target: 'Nest @EventPattern on KarafkaServer >= 3x on ServerKafka (batch: true)',
      value: ratios.patternBatchVsNest,
      met: ok(ratios.patternBatchVsNest, (v) => v >= 3),
    },
    {
      target: 'batch + one interceptor >= 0.95x plain batch',
      value: ratios.batchInterceptorVsBatch,
      met: ok(ratios.batchInterceptorVsBatch, (v) => v >= 0.95),
    },
    {
      target: 'batch + guard, interceptor, filter >= 0.95x plain batch',
      value: ratios.batchEnhancedVsBatch,
      met: ok(ratios.batchEnhancedVsBatch, (v) => v >= 0.95),
    },
    {
      target: 'produceAsync >= 0.9x raw batched send',
      value: ratios.produceAsyncVsRaw,
      met: ok(ratios.produceAsyncVsRaw, (v) => v >= 0.9),
    },
    {
      target: 'I/O-bound: virtual partitions (max 10) >= 8x without',
      value: ratios.ioVirtualPartitionsVsNone,
      met: ok(ratios.ioVirtualPartitionsVsNone, (v) => v >= 8),
    },
    {
      target: 'CPU-bound batch: virtual partitions (max 4) >= 0.95x without',
      value: ratios.cpuVirtualPartitionsVsNone,
      met: ok(ratios.cpuVirtualPartitionsVsNone, (v) => v >= 0.95),
    },
    {
      target: 'CPU-bound batch: virtual partitions (max 4) >= 0.95x without, in CPU per message',
      value: ratios.cpuVirtualPartitionsVsNoneCpu,
      met: ok(ratios.cpuVirtualPartitionsVsNoneCpu, (v) => v >= 0.95),
    },
    {
      target: 'produceSync p50 < 1 ms (acks=all)',
      value: produceSyncAcksAllP50Ms,
      met: ok(produceSyncAcksAllP50Ms, (v) => v < 1),
    },
    {
      target: `peak RSS < 300 MB draining ${fmt(settings.messages)}`,
      value: peakRssMb,
      met: ok(peakRssMb, (v) => v < 300),
    },
    {
      target: `route table for ${settings.routes} routes < 200 ms`,
      value: routeTable500Ms,
      met: ok(routeTable500Ms, (v) => v < 200),
    },
  ];

  const json = {
    generatedAt: date.toISOString(),
    smallRun: small,
    machine: { ...machine, loadAverageAtEnd: opts.loadAverageAtEnd },
    settings,
    ratios,
    produceSyncAcksAllP50Ms,
    peakRssMb,
    routeTable500Ms,
    targets,
    variants: Object.fromEntries(
      [...byLabel.values()].map((v) => [
        v.label,
        { kind: v.kind, title: v.title, median: v.median, runs: v.runs },
      ]),
    ),
  };

  // ---- text table (console) and markdown share the rows
  const consumeRows = opts.plan
    .filter((t) => t.kind === 'consume' && byLabel.has(t.label))
    .map((t) => [
      t.title,
      fmt(mps(t.label)),
      fmt(m(t.label, 'durationMs'), 0),
      fmt(m(t.label, 'firstToLastMessagesPerSecond')),
      fmt(m(t.label, 'peakRssMb'), 0),
      fmt(m(t.label, 'cpuUsPerMessage'), 2),
      fmtRatio(ratio(mps(t.label), mps('raw-each-batch'))),
      fmtRatio(ratio(mps(t.label), mps('nest-transport'))),
    ]);
  const produceRows = opts.plan
    .filter((t) => t.kind === 'produce' && byLabel.has(t.label))
    .map((t) => [
      t.title,
      fmt(mps(t.label)),
      fmt(m(t.label, 'durationMs'), 0),
      fmt(m(t.label, 'peakRssMb'), 0),
      fmtRatio(ratio(mps(t.label), bestRawSend)),
    ]);
  const latencyRows = opts.plan
    .filter((t) => t.kind === 'latency' && byLabel.has(t.label))
    .map((t) => [
      t.title,
      fmt(m(t.label, 'p50Ms'), 3),
      fmt(m(t.label, 'p95Ms'), 3),
      fmt(m(t.label, 'p99Ms'), 3),
      fmt(m(t.label, 'meanMs'), 3),
    ]);
  const bootstrapRows = byLabel.has('routes')
    ? [
        [
          `RoutesExplorer.explore(), ${settings.routes} routes (median of 5 calls)`,
          fmt(m('routes', 'exploreMs'), 1),
        ],
        [
          `createApplicationContext with ${settings.routes} consumer classes`,
          fmt(m('routes', 'initWithRoutesMs'), 1),
        ],
        ['createApplicationContext without them', fmt(m('routes', 'initBaselineMs'), 1)],
        ['difference (scan + DI + init of the routes)', fmt(m('routes', 'initDeltaMs'), 1)],
      ]
    : [];

  const sections: Array<[string, string[], string[][]]> = [
    [
      `Consuming ${fmt(settings.messages)} messages (${settings.partitions} partitions), median of ${settings.runs}`,
      [
        'variant',
        'msg/s',
        'ms',
        'msg/s first→last',
        'peak RSS MB',
        'CPU µs/msg',
        'vs raw eachBatch',
        'vs Nest transport',
      ],
      consumeRows,
    ],
    [
      `Producing ${fmt(settings.produceMessages)} messages, acks -1, median of ${settings.runs}`,
      ['variant', 'msg/s', 'ms', 'peak RSS MB', 'vs faster raw'],
      produceRows,
    ],
    [
      `Sequential sends, ${fmt(settings.latencyMessages)} messages (after 200 warm-up), median of ${settings.runs}`,
      ['variant', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms'],
      latencyRows,
    ],
    [`Bootstrap, median of ${settings.runs}`, ['measure', 'ms'], bootstrapRows],
  ];

  const table = sections
    .filter(([, , rows]) => rows.length)
    .map(([title, header, rows]) => `${title}\n${textTable(header, rows)}`)
    .join('\n\n');

  const md: string[] = [];
  md.push('# nestjs-karafka benchmark results', '');
  if (small) {
    md.push(
      `> **Small run** (${fmt(settings.messages)} messages, ${settings.runs} run${settings.runs > 1 ? 's' : ''}): a check that the benchmark works, not reference figures. ` +
        'The reference run is `npm run bench` (500,000 messages, 3 runs) on a quiet machine.',
      '',
    );
  }
  md.push(
    `Generated ${date.toISOString()} by \`npm run bench\` (test/bench).`,
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores; RAM ${machine.ramGb} GB; ${machine.os}`,
    `- Node ${machine.node}; kafkajs ${machine.kafkajs}; @nestjs/core ${machine.nestCore}; @nestjs/microservices ${machine.nestMicroservices}`,
    `- Kafka ${machine.kafka}, single local broker on 127.0.0.1`,
    `- Load average at start ${machine.loadAverageAtStart.join(' / ')}, at end ${opts.loadAverageAtEnd.join(' / ')} (1/5/15 min)`,
    `- Messages: ${fmt(settings.messages)} keyed JSON messages of ~200 bytes over ${settings.partitions} partitions; ${settings.runs} run(s) per variant, medians shown`,
    '',
  );
  for (const [title, header, rows] of sections) {
    if (!rows.length) continue;
    md.push(`## ${title}`, '', mdTable(header, rows), '');
  }
  md.push(
    '## Targets (reported, never asserted)',
    '',
    mdTable(
      ['target', 'value', 'met'],
      targets.map((t) => [
        t.target,
        t.value === null ? 'n/a' : String(t.value),
        t.met === null ? 'n/a' : t.met ? 'yes' : 'no',
      ]),
    ),
    '',
  );
  md.push(
    '## How it is measured',
    '',
    '- Every variant runs in its own forked Node process (fresh JIT and heap); peak RSS is sampled every 50 ms in that process.',
    '- Consuming: a fresh consumer group per run reads the whole topic from the beginning. `msg/s` (used for the ratios) = messages / (last message - consumer ready), ready being when kafkajs `run()` resolved (group joined; connect and join excluded, the first fetch included). `msg/s first→last` = (messages - the first delivery) / (last message - first delivery): it counts messages that came with the first fetch before its clock started, so it flatters batch consumers, grossly so when the whole topic fits in one fetch (small runs).',
    '- Same kafkajs fetch settings everywhere: maxBytes 10 MiB, maxBytesPerPartition 1 MiB, minBytes 1, maxWaitTimeInMs 500, sessionTimeout 30 s, heartbeatInterval 3 s; 3 partitions processed concurrently (karafka `concurrency: 3`, kafkajs/Nest `partitionsConsumedConcurrently: 3`).',
    "- Differences: raw kafkajs runs with autoCommit off (no commits while measuring); nestjs-karafka commits marked offsets every 5 s (its default); the Nest transport keeps kafkajs' default autoCommit, which commits after every batch, and uses eachMessage (Nest offers no eachBatch).",
    "- The raw eachBatch and eachMessage consumers do not parse the payload (driver ceiling); nestjs-karafka and the Nest handler read every payload (JSON.parse). 'kafkajs eachBatch + JSON.parse' does that same work by hand, so karafka batch against it is the framework's own cost.",
    '- Producing: raw kafkajs `send` of 1,000-message chunks (JSON.stringify inside the clock), 1 or 5 requests in flight; `produceAsync` is called in a loop with objects and the clock stops when the last handle resolved and nothing is pending (the framework sends at most 1,000 messages per request, 5 in flight). The ratio uses the faster of the two raw figures.',
    '- Latency: one message at a time, awaited; the first 200 are warm-up.',
    '- Runs interleave the variants and rotate their order within each group from run to run.',
    '- Profiling: `BENCH_CPU_PROF=karafka-batch BENCH_ONLY=karafka-batch` writes a .cpuprofile per run (test/bench/profiles), the progress line prints the drain window, and `node dist/test/bench/profile-summary.js <file> 30 <window>` summarises self time by function and area.',
    '- Route table: `RoutesExplorer.explore()` on an initialized app with the generated @Consumer classes (the figure called routeTable500Ms); the createApplicationContext difference is shown beside it.',
    '',
  );
  return { json, markdown: md.join('\n'), table };
}

function ok(value: number | null, test: (v: number) => boolean): boolean | null {
  return value === null ? null : test(value);
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function mdTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
