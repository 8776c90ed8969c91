import type { PauseOptions } from '../config/karafka-options.js';

/** Pause before retry number `attempt` (1-based): timeout, doubling when exponential, capped at maxTimeout. */
export function backoffDelay(attempt: number, pause: Required<PauseOptions>): number {
  if (!pause.exponentialBackoff) return Math.min(pause.timeout, pause.maxTimeout);
  const factor = 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(pause.timeout * factor, pause.maxTimeout);
}
