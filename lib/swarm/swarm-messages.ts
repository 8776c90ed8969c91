import type { SwarmWorkerReport } from './swarm-report.js';

/** What a worker tells its supervisor over the cluster IPC channel. */
export type WorkerMessage =
  | { readonly karafkaSwarm: 'ready'; readonly shutdownTimeout: number }
  | { readonly karafkaSwarm: 'assigned'; readonly partitions: Record<string, number[]> }
  | {
      readonly karafkaSwarm: 'report';
      readonly request: number;
      readonly report: SwarmWorkerReport;
    };

/** What the supervisor asks a worker: its health now (and its metrics, for /metrics). */
export interface InspectRequest {
  readonly karafkaSwarm: 'inspect';
  readonly request: number;
  readonly metrics: boolean;
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { karafkaSwarm?: unknown }).karafkaSwarm === 'string'
  );
}

export function isInspectRequest(message: unknown): message is InspectRequest {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { karafkaSwarm?: unknown }).karafkaSwarm === 'inspect'
  );
}

/** Set in each worker's environment: its slot number (1 .. workers). */
export const SWARM_WORKER_ENV = 'KARAFKA_SWARM_WORKER';
