import cluster from 'node:cluster';
import type { INestApplicationContext } from '@nestjs/common';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { Monitor } from '../instrumentation/monitor.js';
import { KARAFKA_CONFIG, KARAFKA_METRICS_SOURCE } from '../karafka.constants.js';
import { KarafkaServer } from '../server/karafka.server.js';
import {
  isInspectRequest,
  SWARM_WORKER_ENV,
  type InspectRequest,
  type WorkerMessage,
} from './swarm-messages.js';
import type { SwarmWorkerReport } from './swarm-report.js';

/** Whether this process is a worker of a swarm (forked by its supervisor). */
export function isSwarmWorker(): boolean {
  return cluster.isWorker && process.env[SWARM_WORKER_ENV] !== undefined;
}

interface MetricsSource {
  metrics(): Promise<string>;
}

/**
 * Tells the supervisor that this worker is consuming (with its shutdownTimeout, so the
 * supervisor knows how long a graceful stop may take) and, from then on, which partitions it
 * holds; answers the supervisor's questions about its health and metrics. Does nothing outside
 * a swarm. Returns what stops answering (the channel listener would keep the process alive).
 */
export function reportToSupervisor(app: INestApplicationContext): () => void {
  if (!isSwarmWorker()) return () => undefined;
  const config = app.get<symbol, KarafkaConfig>(KARAFKA_CONFIG, { strict: false });
  const server = app.get(KarafkaServer, { strict: false });
  const metrics = metricsSource(app);
  const onRequest = (message: unknown): void => {
    if (!isInspectRequest(message)) return;
    void answer(server, message, metrics).then(
      (report) => send({ karafkaSwarm: 'report', request: message.request, report }),
      // Metrics that fail to render still leave the health to report.
      () => send({ karafkaSwarm: 'report', request: message.request, report: describe(server) }),
    );
  };
  process.on('message', onRequest);
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
  const offs = [
    monitor.subscribe('rebalance.partitions_assigned', report),
    monitor.subscribe('rebalance.partitions_revoked', report),
  ];
  return () => {
    process.off('message', onRequest);
    offs.forEach((off) => off());
  };
}

async function answer(
  server: KarafkaServer,
  request: InspectRequest,
  metrics: MetricsSource | undefined,
): Promise<SwarmWorkerReport> {
  const report = describe(server);
  return request.metrics && metrics ? { ...report, metrics: await metrics.metrics() } : report;
}

function describe(server: KarafkaServer): SwarmWorkerReport {
  const groups = server.snapshot().groups.map((group) => {
    let lag: number | undefined;
    for (const p of group.partitions) if (p.lag !== undefined) lag = (lag ?? 0) + p.lag;
    return { id: group.id, state: group.state, ...(lag === undefined ? {} : { lag }) };
  });
  return { health: server.health(), groups };
}

/** The app's KarafkaMetrics, when it imports KarafkaMetricsModule (an optional peer). */
function metricsSource(app: INestApplicationContext): MetricsSource | undefined {
  try {
    return app.get<symbol, MetricsSource>(KARAFKA_METRICS_SOURCE, { strict: false });
  } catch {
    return undefined;
  }
}

function send(message: WorkerMessage): void {
  // The channel is gone when the supervisor died; this worker is exiting then anyway.
  if (process.connected) process.send?.(message);
}
