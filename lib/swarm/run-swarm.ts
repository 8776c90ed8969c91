import cluster from 'node:cluster';
import type { INestApplicationContext } from '@nestjs/common';
import { KarafkaServer } from '../server/karafka.server.js';
import { SWARM_WORKER_ENV } from './swarm-messages.js';
import { resolveSwarmOptions, type SwarmOptions } from './swarm-options.js';
import { evaluateSwarmHealth, type SwarmHealth, type SwarmInspection } from './swarm-report.js';
import type { SwarmWorkerStatus } from './swarm-status.js';
import { SWARM_EXIT, SwarmSupervisor } from './swarm-supervisor.js';
import { reportToSupervisor } from './swarm-worker.js';

/** The supervisor side of `runSwarm`: the workers' status, and a way to stop them. */
export interface Swarm {
  /** Each worker's state, restarts and partitions. */
  status(): SwarmWorkerStatus[];
  /**
   * Each worker's status and what the running ones answer about themselves (their own health
   * and groups; their Prometheus metrics with `metrics: true`). `timeout`: ms to wait per
   * worker, default 750.
   */
  inspect(options?: { metrics?: boolean; timeout?: number }): Promise<SwarmInspection>;
  /** Readiness and liveness of the whole swarm, naming the worker (and partition) at fault. */
  health(): Promise<SwarmHealth>;
  /** The port of the supervisor's endpoints, with the `http` option. */
  readonly port?: number;
  /** Graceful stop of every worker; resolves with the exit code (0 clean, 2 forced). */
  stop(): Promise<number>;
  /** Resolves with the exit code once every worker stopped. */
  readonly exited: Promise<number>;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const;

/**
 * Runs the app in `workers` processes that share its consumer groups (Kafka spreads the
 * partitions over them), for CPU-bound consumers that one Node thread cannot keep up with.
 *
 * Call it from the app's entry point instead of starting the app: in the supervisor (the
 * process you start) it forks the workers and resolves with a {@link Swarm}; in each worker it
 * calls `bootstrap`, which creates and starts the app (e.g. `NestFactory.create`, connect
 * `KarafkaServer`, `startAllMicroservices`) and returns it, and resolves with `undefined`.
 *
 * SIGINT/SIGTERM/SIGQUIT to the supervisor stop every worker gracefully; the supervisor then
 * exits 0, or 2 when a worker had to be forced (a second signal forces at once). Workers handle
 * their own stop (do not enable Nest's shutdown hooks in a worker: they would re-raise the signal).
 */
export async function runSwarm(
  bootstrap: () => Promise<INestApplicationContext>,
  options: SwarmOptions,
): Promise<Swarm | undefined> {
  if (cluster.isWorker && process.env[SWARM_WORKER_ENV] !== undefined) {
    await runWorker(bootstrap);
    return undefined;
  }
  const supervisor = new SwarmSupervisor(resolveSwarmOptions(options));
  let signals = 0;
  const onSignal = (signal: string) => {
    signals += 1;
    if (signals === 1) {
      supervisor.options.log(`karafka swarm: ${signal} received, stopping every worker...`, 'info');
      void supervisor.stop();
    } else {
      supervisor.kill();
    }
  };
  await supervisor.start();
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  void supervisor.exited.then((code) => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.exitCode = code;
  });
  return {
    status: () => supervisor.status(),
    inspect: (inspectOptions) => supervisor.inspect(inspectOptions),
    health: async () => evaluateSwarmHealth(await supervisor.inspect()),
    port: supervisor.port,
    stop: () => supervisor.stop(),
    exited: supervisor.exited,
  };
}

async function runWorker(bootstrap: () => Promise<INestApplicationContext>): Promise<void> {
  let stopping: Promise<void> | undefined;
  let app: INestApplicationContext | undefined;
  const stop = () => {
    // The supervisor forwards the signal, and a terminal or a process manager may send it to
    // every process as well: one graceful stop, however many arrive.
    stopping ??= (async () => {
      let forced = false;
      if (app) {
        forced = (await app.get(KarafkaServer, { strict: false }).close()).forced;
        await app.close();
      }
      process.exit(forced ? SWARM_EXIT.forced : SWARM_EXIT.clean);
    })();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  try {
    app = await bootstrap();
  } catch (error) {
    console.error('karafka swarm: the worker could not start:', error);
    process.exit(SWARM_EXIT.bootError);
  }
  if (stopping) return;
  reportToSupervisor(app);
}
