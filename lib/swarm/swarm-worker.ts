import cluster from 'node:cluster';
import type { INestApplicationContext } from '@nestjs/common';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { Monitor } from '../instrumentation/monitor.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
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
  send({ karafkaSwarm: 'ready', shutdownTimeout: config.shutdownTimeout });
  const monitor = app.get(Monitor, { strict: false });
  const held = new Map<string, Set<number>>();
  const update = (
    group: string,
    partitions: Record<string, number[]>,
    change: 'add' | 'delete',
  ): void => {
    for (const [topic, list] of Object.entries(partitions)) {
      const key = `${group}/${topic}`;
      const set = held.get(key) ?? new Set<number>();
      for (const partition of list) set[change](partition);
      if (set.size) held.set(key, set);
      else held.delete(key);
    }
    send({
      karafkaSwarm: 'assigned',
      partitions: Object.fromEntries(
        [...held].map(([key, set]) => [key, [...set].sort((a, b) => a - b)]),
      ),
    });
  };
  monitor.subscribe('rebalance.partitions_assigned', ({ payload }) =>
    update(payload.group, payload.partitions, 'add'),
  );
  monitor.subscribe('rebalance.partitions_revoked', ({ payload }) =>
    update(payload.group, payload.partitions, 'delete'),
  );
}

function send(message: WorkerMessage): void {
  // The channel is gone when the supervisor died; this worker is exiting then anyway.
  if (process.connected) process.send?.(message);
}
