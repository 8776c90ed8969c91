import type { Monitor } from '../instrumentation/monitor.js';
import type { Route } from '../routing/route.js';

/**
 * What every message of one fetched batch shares. One object per batch instead of per
 * message keeps the hot path allocation-light.
 */
export interface BatchContext {
  readonly route: Route;
  readonly partition: number;
  readonly receivedAt: Date;
  readonly monitor: Monitor;
  /** Deserializes and (with a DTO route) validates one raw value; throws on failure. */
  readonly parse: (message: import('./message.js').Message) => unknown;
}
