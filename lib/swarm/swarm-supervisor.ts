import cluster, { type Worker } from 'node:cluster';
import { serveSwarmEndpoints } from './swarm-endpoints.js';
import type { ResolvedSwarmOptions } from './swarm-options.js';
import { isWorkerMessage, SWARM_WORKER_ENV, type InspectRequest } from './swarm-messages.js';
import type { SwarmInspection, SwarmWorkerInspection, SwarmWorkerReport } from './swarm-report.js';
import type { SwarmWorkerState, SwarmWorkerStatus } from './swarm-status.js';

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
  private requests = 0;
  private endpoints?: { port: number; close(): Promise<void> };
  /** Inspections waiting for a worker's answer, by request number. */
  private readonly pending = new Map<number, (report: SwarmWorkerReport) => void>();
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

  /**
   * Serves the endpoints (with `http`; a port that cannot be bound rejects before any worker
   * is forked), then forks the workers.
   */
  async start(): Promise<void> {
    const { http } = this.options;
    if (http) {
      this.endpoints = await serveSwarmEndpoints(this, http);
      const base = `http://${http.host ?? '127.0.0.1'}:${this.endpoints.port}`;
      this.options.log(
        `karafka swarm: health on ${base}/health/ready and /health/live, workers on ${base}/swarm, metrics on ${base}/metrics`,
        'info',
      );
    }
    this.options.log(
      `karafka swarm: supervisor pid ${process.pid}, starting ${this.slots.length} worker(s)`,
      'info',
    );
    for (const slot of this.slots) this.fork(slot);
  }

  /** The port of the supervisor's endpoints (with `http`, once started). */
  get port(): number | undefined {
    return this.endpoints?.port;
  }

  /** Every worker's state, restarts and partitions: the swarm's health, per worker. */
  status(): SwarmWorkerStatus[] {
    return this.slots.map((slot) => ({
      id: slot.id,
      pid: slot.pid,
      state: slot.state,
      restarts: slot.restarts,
      crashes: slot.crashes,
      readyAt: slot.readyAt,
      partitions: slot.partitions,
      lastExit: slot.lastExit,
    }));
  }

  /**
   * Every worker's status and, from each running one, what it answers about itself (its
   * health, groups and, with `metrics`, its Prometheus metrics). A worker that does not answer
   * within `timeout` ms (a blocked event loop) is listed without a report and says so.
   */
  async inspect({ metrics = false, timeout = 750 } = {}): Promise<SwarmInspection> {
    const statuses = this.status();
    const workers = await Promise.all(
      statuses.map((status, i) => this.ask(this.slots[i]!, status, metrics, timeout)),
    );
    return { takenAt: new Date(), workers };
  }

  private ask(
    slot: Slot,
    status: SwarmWorkerStatus,
    metrics: boolean,
    timeout: number,
  ): Promise<SwarmWorkerInspection> {
    const worker = slot.worker;
    if (status.state !== 'running' || !worker?.isConnected()) return Promise.resolve(status);
    const request = ++this.requests;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(request);
        resolve({
          ...status,
          unanswered: `worker ${slot.id} (pid ${status.pid}) did not answer within ${timeout} ms`,
        });
      }, timeout);
      this.pending.set(request, (report) => {
        clearTimeout(timer);
        this.pending.delete(request);
        resolve({ ...status, report });
      });
      const message: InspectRequest = { karafkaSwarm: 'inspect', request, metrics };
      // A worker that died in between answers nothing: the timer settles it.
      worker.send(message, (error) => void error);
    });
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
      } else if (message.karafkaSwarm === 'assigned') {
        slot.partitions = message.partitions;
      } else {
        this.pending.get(message.request)?.(message.report);
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
    const endpoints = this.endpoints;
    this.endpoints = undefined;
    if (!endpoints) return this.resolveExit(code);
    void endpoints.close().then(() => this.resolveExit(code));
  }
}
