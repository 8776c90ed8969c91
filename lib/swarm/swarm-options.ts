import { availableParallelism } from 'node:os';
import { SwarmConfigurationError } from './swarm.error.js';

/** Where the supervisor serves its endpoints (`runSwarm`'s `http`, `karafka server --health-port`). */
export interface SwarmHttpOptions {
  /** 0 picks a free port (printed, and `swarm.port`). */
  port: number;
  /** Default `127.0.0.1`; `0.0.0.0` in a container. */
  host?: string;
  /** How long (ms) the supervisor waits for each worker's answer. Default 750 (below a 1 s probe timeout). */
  answerTimeout?: number;
}

/** Options of `runSwarm` and of `karafka server --swarm`. */
export interface SwarmOptions {
  /** Worker processes: a number, or `'auto'` = the machine's available parallelism. */
  workers: number | 'auto';
  /** Pause before restarting a worker that died: `timeout` ms, doubling per crash in a row, at most `maxTimeout`. Default 500 / 30,000. */
  restartBackoff?: { timeout?: number; maxTimeout?: number };
  /**
   * A worker that is up this long (ms, after it reported ready) counts as healthy again: its
   * next crash restarts after `restartBackoff.timeout`. Default 30,000.
   */
  stableAfter?: number;
  /**
   * On stop, workers that have not exited this long (ms) after their `shutdownTimeout` are
   * killed (SIGKILL) and the swarm exits 2. Default 5,000.
   */
  killAfter?: number;
  /** Where the supervisor's lines go. Default: console.log / console.error. */
  log?: (line: string, level: 'info' | 'error') => void;
  /**
   * Serve the swarm's health and metrics from the supervisor on this port: `/health/ready`,
   * `/health/live`, `/swarm` and `/metrics` (see README, "A swarm of processes"). Off by default.
   */
  http?: SwarmHttpOptions;
}

export interface ResolvedSwarmOptions {
  readonly workers: number;
  readonly restartTimeout: number;
  readonly restartMaxTimeout: number;
  readonly stableAfter: number;
  readonly killAfter: number;
  readonly log: (line: string, level: 'info' | 'error') => void;
  readonly http?: SwarmHttpOptions;
}

/** `'auto'` or a string from the CLI become a worker count; anything unusable is an error. */
export function parseWorkers(value: number | string): number {
  if (value === 'auto') return availableParallelism();
  const workers = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new SwarmConfigurationError(
      `swarm workers must be a whole number >= 1 or 'auto' (= ${availableParallelism()} on this ` +
        `machine), got ${JSON.stringify(value)}`,
    );
  }
  return workers;
}

export function resolveSwarmOptions(options: SwarmOptions): ResolvedSwarmOptions {
  return {
    workers: parseWorkers(options.workers),
    restartTimeout: options.restartBackoff?.timeout ?? 500,
    restartMaxTimeout: options.restartBackoff?.maxTimeout ?? 30_000,
    stableAfter: options.stableAfter ?? 30_000,
    killAfter: options.killAfter ?? 5_000,
    log:
      options.log ??
      ((line, level) => (level === 'error' ? console.error(line) : console.log(line))),
    ...(options.http ? { http: options.http } : {}),
  };
}
