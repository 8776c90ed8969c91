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
  /** Deaths in a row without a stable run in between (`stableAfter`): what the restart backoff grows with. */
  readonly crashes: number;
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
