import type { ConsumerGroupSnapshot } from '../connection/consumer-group-snapshot.js';

/** What `KarafkaServer.status` emits as the server starts and stops. */
export type KarafkaServerStatus = 'idle' | 'connecting' | 'connected' | 'stopping' | 'stopped';

/**
 * What this process is consuming, read-only: the one source of runtime truth that health,
 * metrics and `karafka info` read (`KarafkaServer.snapshot()`). A fresh object on every call.
 */
export interface KarafkaRuntimeSnapshot {
  readonly status: KarafkaServerStatus;
  readonly takenAt: Date;
  /** The consumer groups this process runs (empty until `listen()`/`start()`). */
  readonly groups: readonly ConsumerGroupSnapshot[];
}
