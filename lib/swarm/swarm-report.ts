import type { ConsumerGroupState } from '../connection/consumer-group-snapshot.js';
import type { KarafkaHealth } from '../health/karafka-health.js';
import type { SwarmWorkerStatus } from './swarm-status.js';

/** What a running worker answers when its supervisor asks (health endpoints, `inspect()`). */
export interface SwarmWorkerReport {
  /** The worker's own `KarafkaServer.health()` (default limits). */
  readonly health: KarafkaHealth;
  /** Its consumer groups: state and the summed lag of its partitions (when known). */
  readonly groups: readonly {
    readonly id: string;
    readonly state: ConsumerGroupState;
    readonly lag?: number;
  }[];
  /** Its Prometheus metrics, when it imports `KarafkaMetricsModule` and they were asked for. */
  readonly metrics?: string;
}

/** One worker as the supervisor sees it, with what the worker answered. */
export interface SwarmWorkerInspection extends SwarmWorkerStatus {
  /** Absent when the worker is not running, or did not answer in time (see `unanswered`). */
  readonly report?: SwarmWorkerReport;
  /** Why there is no report from a running worker (e.g. its event loop is blocked). */
  readonly unanswered?: string;
}

/** `swarm.inspect()`: every worker's status and, from the running ones, their own health. */
export interface SwarmInspection {
  readonly takenAt: Date;
  readonly workers: readonly SwarmWorkerInspection[];
}

/** Something wrong in a swarm: which worker, and down to the group/topic/partition when known. */
export interface SwarmHealthProblem {
  readonly worker: number;
  readonly pid?: number;
  readonly group?: string;
  readonly topic?: string;
  readonly partition?: number;
  /** What is wrong, for people. */
  readonly reason: string;
}

/** One side of the swarm's health: healthy, or the problems that make it not. */
export interface SwarmHealthCheck {
  readonly healthy: boolean;
  readonly problems: readonly SwarmHealthProblem[];
}

/** `swarm.health()` and the supervisor's /health endpoints: readiness and liveness of all workers. */
export interface SwarmHealth {
  /** Every worker running, answering, and ready itself (all its groups joined). */
  readonly ready: SwarmHealthCheck;
  /**
   * No worker in a crash loop (`maxCrashes` deaths in a row without a stable run) and every
   * answering worker alive itself (no stuck `consume`, no partition failing too long).
   */
  readonly alive: SwarmHealthCheck;
}

/** Readiness and liveness of a swarm from an inspection (pure). */
export function evaluateSwarmHealth(
  inspection: SwarmInspection,
  { maxCrashes = 5 }: { maxCrashes?: number } = {},
): SwarmHealth {
  const ready: SwarmHealthProblem[] = [];
  const alive: SwarmHealthProblem[] = [];
  for (const worker of inspection.workers) {
    const who = { worker: worker.id, ...(worker.pid === undefined ? {} : { pid: worker.pid }) };
    if (worker.crashes >= maxCrashes && worker.state !== 'stopped') {
      alive.push({
        ...who,
        reason: `worker ${worker.id} died ${worker.crashes} times in a row (budget ${maxCrashes})${exitText(worker)}`,
      });
    }
    if (worker.state !== 'running') {
      ready.push({ ...who, reason: `worker ${worker.id} is ${worker.state}${exitText(worker)}` });
      continue;
    }
    if (!worker.report) {
      ready.push({ ...who, reason: worker.unanswered ?? `worker ${worker.id} did not answer` });
      continue;
    }
    for (const problem of worker.report.health.ready.problems) ready.push({ ...who, ...problem });
    for (const problem of worker.report.health.alive.problems) alive.push({ ...who, ...problem });
  }
  return {
    ready: { healthy: ready.length === 0, problems: ready },
    alive: { healthy: alive.length === 0, problems: alive },
  };
}

function exitText(worker: SwarmWorkerStatus): string {
  const exit = worker.lastExit;
  if (!exit || worker.state === 'running') return '';
  return ` (last exit: ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`;
}
