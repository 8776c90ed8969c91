import type { SwarmInspection } from './swarm-report.js';

const STATES = ['starting', 'running', 'restarting', 'stopping', 'stopped'] as const;

interface Family {
  help?: string;
  type?: string;
  samples: string[];
}

/**
 * The supervisor's /metrics, in the Prometheus text format: the swarm's own gauges (worker
 * state, restarts, readiness; no prom-client needed), then the metrics of every worker that
 * reported them, each sample labelled `worker="<id>"` and each family listed once.
 */
export function swarmMetricsText(inspection: SwarmInspection): string {
  const families = new Map<string, Family>();
  const family = (name: string, help: string, type: string): Family => {
    const entry: Family = {
      help: `# HELP ${name} ${help}`,
      type: `# TYPE ${name} ${type}`,
      samples: [],
    };
    families.set(name, entry);
    return entry;
  };
  const workers = family('karafka_swarm_workers', 'Worker slots of the swarm.', 'gauge');
  workers.samples.push(`karafka_swarm_workers ${inspection.workers.length}`);
  const state = family(
    'karafka_swarm_worker_state',
    'The state of each worker: 1 for its current state, 0 for the others.',
    'gauge',
  );
  const restarts = family(
    'karafka_swarm_worker_restarts_total',
    'Restarts of each worker after it died.',
    'counter',
  );
  const ready = family(
    'karafka_swarm_worker_ready',
    'Whether each worker is running and ready (all its consumer groups joined).',
    'gauge',
  );
  for (const worker of inspection.workers) {
    const id = `worker="${worker.id}"`;
    for (const name of STATES) {
      state.samples.push(
        `karafka_swarm_worker_state{${id},state="${name}"} ${worker.state === name ? 1 : 0}`,
      );
    }
    restarts.samples.push(`karafka_swarm_worker_restarts_total{${id}} ${worker.restarts}`);
    const up = worker.state === 'running' && worker.report?.health.ready.healthy === true;
    ready.samples.push(`karafka_swarm_worker_ready{${id}} ${up ? 1 : 0}`);
  }
  for (const worker of inspection.workers) {
    if (worker.report?.metrics) mergeWorker(families, worker.report.metrics, String(worker.id));
  }
  const lines: string[] = [];
  for (const entry of families.values()) {
    if (entry.help) lines.push(entry.help);
    if (entry.type) lines.push(entry.type);
    lines.push(...entry.samples);
  }
  return `${lines.join('\n')}\n`;
}

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(.+)$/;
const COMMENT = /^# (HELP|TYPE) ([A-Za-z_:][A-Za-z0-9_:]*)(?: |$)/;

/**
 * Adds one worker's exposition to the families: samples belong to the family of the HELP/TYPE
 * lines before them (a histogram's _bucket/_sum/_count included); the first worker's HELP and
 * TYPE lines are kept.
 */
function mergeWorker(families: Map<string, Family>, text: string, worker: string): void {
  let current: Family | undefined;
  const enter = (name: string): Family => {
    let entry = families.get(name);
    if (!entry) families.set(name, (entry = { samples: [] }));
    return entry;
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const comment = COMMENT.exec(line);
    if (comment) {
      current = enter(comment[2]!);
      if (comment[1] === 'HELP') current.help ??= line;
      else current.type ??= line;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const [, name, labels, value] = sample;
    const labelled = labels
      ? `${name}{worker="${worker}",${labels}} ${value}`
      : `${name}{worker="${worker}"} ${value}`;
    (current ?? enter(name!)).samples.push(labelled);
  }
}
