import cluster, { type Worker } from 'node:cluster';
import type { ResolvedSwarmOptions } from './swarm-options.js';
import { isWorkerMessage, SWARM_WORKER_ENV } from './swarm-messages.js';

/** Where a worker is in its life, as the supervisor sees it. */
export type SwarmWorkerState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** One worker slot of a swarm: the process that fills it now and its history. */
export interface SwarmWorkerStatus {
  /** 1 .. workers; a restarted worker keeps its slot's id. */
  readonly id: number;
  /** The current process (or the last one, once stopped). */
  readonly pid?: number;
  readonly state: SwarmWorkerState;
  /** Restarts after a crash so far. */
  readonly restarts: number;
  /** When the current process reported that it consumes. */
  readonly readyAt?: Date;
  /** Partitions it holds: `{ '<group id>/<topic>': [0, 2] }`. */
  readonly partitions: Readonly<Record<string, readonly number[]>>;
  /** How the previous process ended. */
  readonly lastExit?: {
    readonly code: number | null;
    readonly signal: string | null;
    readonly at: Date;
  };
}

/** Exit codes of a swarm: as `karafka server`'s. */
export const SWARM_EXIT = { clean: 0, bootError: 1, forced: 2 } as const;

interface Slot {
  id: number;
  worker?: Worker;
  pid?: number;
  state: SwarmWorkerState;
  restarts: number;
  /** Crashes in a row: the restart backoff grows with it, a stable run resets it. */
  crashes: number;
  readyAt?: Date;
  shutdownTimeout?: number;
  partitions: Record<string, number[]>;
  lastExit?: SwarmWorkerStatus['lastExit'];
  restartTimer?: NodeJS.Timeout;
}

/**
 * The supervisor of a swarm: forks the workers with node:cluster (they re-run the same entry
 * point, and may share the app's HTTP port), restarts one that dies with backoff, stops all on
 * `stop()` and resolves `exited` with 0 when every worker stopped cleanly, 2 when one had to be
 * forced (by itself after its shutdownTimeout, or killed here), 1 when the workers could not
 * boot at all. Workers cannot outlive it: a cluster worker exits when its channel to the
 * primary closes, even after a kill -9 of the supervisor.
 */
export class SwarmSupervisor {
  private readonly slots: Slot[];
  private stopping = false;
  private unclean = false;
  private bootFailed = false;
  private everReady = false;
  private killTimer?: NodeJS.Timeout;
  private resolveExit!: (code: number) => void;
  /** Resolves with the swarm's exit code once every worker stopped. */
  readonly exited: Promise<number>;

  constructor(readonly options: ResolvedSwarmOptions) {
    this.slots = Array.from({ length: options.workers }, (_, i) => ({
      id: i + 1,
      state: 'starting' as const,
      restarts: 0,
      crashes: 0,
      partitions: {},
    }));
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  start(): void {
    this.options.log(
      `karafka swarm: supervisor pid ${process.pid}, starting ${this.slots.length} worker(s)`,
      'info',
    );
    for (const slot of this.slots) this.fork(slot);
  }

  /** Every worker's state, restarts and partitions: the swarm's health, per worker. */
  status(): SwarmWorkerStatus[] {
    return this.slots.map((slot) => ({
      id: slot.id,
      pid: slot.pid,
      state: slot.state,
      restarts: slot.restarts,
      readyAt: slot.readyAt,
      partitions: slot.partitions,
      lastExit: slot.lastExit,
    }));
  }

  /**
   * Graceful stop of every worker (the signal is forwarded as SIGTERM). Those still running
   * `killAfter` ms past their shutdownTimeout are killed. Resolves with the exit code.
   */
  stop(): Promise<number> {
    if (this.stopping) return this.exited;
    this.stopping = true;
    let timeout = 0;
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      if (slot.worker && slot.state !== 'stopped') {
        slot.state = 'stopping';
        slot.worker.process.kill('SIGTERM');
        timeout = Math.max(timeout, slot.shutdownTimeout ?? 60_000);
      } else {
        slot.state = 'stopped';
      }
    }
    this.killTimer = setTimeout(() => this.kill(), timeout + this.options.killAfter);
    this.settleIfAllStopped();
    return this.exited;
  }

  /** Kills every worker still alive now (a second signal, or the stop deadline). */
  kill(): void {
    for (const slot of this.slots) {
      if (slot.worker && slot.state !== 'stopped') {
        this.unclean = true;
        this.options.log(
          `karafka swarm: worker ${slot.id} (pid ${slot.pid}) did not stop in time, killing it`,
          'error',
        );
        slot.worker.process.kill('SIGKILL');
      }
    }
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork({ [SWARM_WORKER_ENV]: String(slot.id) });
    slot.worker = worker;
    slot.pid = worker.process.pid;
    slot.state = 'starting';
    slot.readyAt = undefined;
    slot.partitions = {};
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.karafkaSwarm === 'ready') {
        slot.shutdownTimeout = message.shutdownTimeout;
        slot.readyAt = new Date();
        this.everReady = true;
        if (slot.state === 'starting') slot.state = 'running';
        this.options.log(`karafka swarm: worker ${slot.id} (pid ${slot.pid}) consuming`, 'info');
      } else {
        slot.partitions = message.partitions;
      }
    });
    worker.on('exit', (code, signal) => this.onExit(slot, worker, code, signal));
  }

  private onExit(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.lastExit = { code, signal, at: new Date() };
    slot.worker = undefined;
    slot.partitions = {};
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (this.stopping) {
      slot.state = 'stopped';
      // A worker still booting has nothing in flight: the default SIGTERM action is a clean end.
      const booting = signal === 'SIGTERM' && slot.readyAt === undefined;
      if (code !== SWARM_EXIT.clean && !booting) this.unclean = true;
      this.options.log(
        `karafka swarm: worker ${slot.id} (pid ${slot.pid}) stopped (${how})`,
        code === 0 ? 'info' : 'error',
      );
      this.settleIfAllStopped();
      return;
    }
    if (!this.everReady && !slot.readyAt) {
      // Not one worker ever got up: a boot error (bad config, missing boot file) that a
      // restart would only repeat.
      this.options.log(
        `karafka swarm: worker ${slot.id} (pid ${slot.pid}) exited (${how}) before it consumed; no worker booted, stopping the swarm`,
        'error',
      );
      this.bootFailed = true;
      slot.state = 'stopped';
      void this.stop();
      return;
    }
    const stable =
      slot.readyAt !== undefined && Date.now() - slot.readyAt.getTime() >= this.options.stableAfter;
    slot.crashes = stable ? 1 : slot.crashes + 1;
    slot.restarts += 1;
    const delay = Math.min(
      this.options.restartTimeout * 2 ** Math.min(slot.crashes - 1, 30),
      this.options.restartMaxTimeout,
    );
    slot.state = 'restarting';
    this.options.log(
      `karafka swarm: worker ${slot.id} (pid ${slot.pid}) died (${how}); restarting in ${delay} ms (restart ${slot.restarts})`,
      'error',
    );
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!this.stopping) this.fork(slot);
    }, delay);
  }

  private settleIfAllStopped(): void {
    if (!this.slots.every((slot) => slot.state === 'stopped')) return;
    clearTimeout(this.killTimer);
    const code = this.bootFailed
      ? SWARM_EXIT.bootError
      : this.unclean
        ? SWARM_EXIT.forced
        : SWARM_EXIT.clean;
    this.options.log(
      `karafka swarm: all workers stopped (exit code ${code})`,
      code ? 'error' : 'info',
    );
    this.resolveExit(code);
  }
}
