/** What a worker tells its supervisor over the cluster IPC channel. */
export type WorkerMessage =
  | { readonly karafkaSwarm: 'ready'; readonly shutdownTimeout: number }
  | { readonly karafkaSwarm: 'assigned'; readonly partitions: Record<string, number[]> };

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { karafkaSwarm?: unknown }).karafkaSwarm === 'string'
  );
}

/** Set in each worker's environment: its slot number (1 .. workers). */
export const SWARM_WORKER_ENV = 'KARAFKA_SWARM_WORKER';
