import cluster from 'node:cluster';
import type { INestApplicationContext } from '@nestjs/common';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { Monitor } from '../instrumentation/monitor.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { KarafkaServer } from '../server/karafka.server.js';
import { SWARM_WORKER_ENV, type WorkerMessage } from './swarm-messages.js';

/** Whether this process is a worker of a swarm (forked by its supervisor). */
export function isSwarmWorker(): boolean {
  return cluster.isWorker && process.env[SWARM_WORKER_ENV] !== undefined;
}

/**
 * Tells the supervisor that this worker is consuming (with its shutdownTimeout, so the
 * supervisor knows how long a graceful stop may take) and, from then on, which partitions it
 * holds. Does nothing outside a swarm.
 */
export function reportToSupervisor(app: INestApplicationContext): void {
  if (!isSwarmWorker()) return;
  const config = app.get<symbol, KarafkaConfig>(KARAFKA_CONFIG, { strict: false });
  const server = app.get(KarafkaServer, { strict: false });
  send({ karafkaSwarm: 'ready', shutdownTimeout: config.shutdownTimeout });
  const report = (): void => {
    const partitions: Record<string, number[]> = {};
    for (const [group, topics] of Object.entries(server.assignments())) {
      for (const [topic, list] of Object.entries(topics)) {
        if (list.length) partitions[`${group}/${topic}`] = list;
      }
    }
    send({ karafkaSwarm: 'assigned', partitions });
  };
  report();
  const monitor = app.get(Monitor, { strict: false });
  monitor.subscribe('rebalance.partitions_assigned', report);
  monitor.subscribe('rebalance.partitions_revoked', report);
}

function send(message: WorkerMessage): void {
  // The channel is gone when the supervisor died; this worker is exiting then anyway.
  if (process.connected) process.send?.(message);
}
