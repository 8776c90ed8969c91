import type { KarafkaRuntimeSnapshot } from '../server/runtime-snapshot.js';

/** Limits of the liveness check (`KarafkaServer.health(limits)`, `KarafkaHealthIndicator.isAlive`). */
export interface KarafkaHealthLimits {
  /** A `consume` call running longer than this (ms) is stuck. Default 300 000 (5 min). */
  maxConsumeTime?: number;
  /** A partition failing and backing off for longer than this (ms) is stuck. Default 300 000. */
  maxBackoffTime?: number;
  /** A group whose client crashed this many times in a row without joining again is dead. Default 5. */
  maxCrashes?: number;
  /** Lag (messages) above which a partition counts as unhealthy. Off by default. */
  maxLag?: number;
}

/** Something wrong, named down to the group/topic/partition at fault. */
export interface KarafkaHealthProblem {
  readonly group: string;
  readonly topic?: string;
  readonly partition?: number;
  /** What is wrong, for people. */
  readonly reason: string;
}

/** One side of the health check: healthy, or the problems that make it not. */
export interface KarafkaHealthCheck {
  readonly healthy: boolean;
  readonly problems: readonly KarafkaHealthProblem[];
}

/** `KarafkaServer.health()`: readiness and liveness, as plain data. */
export interface KarafkaHealth {
  /** Every consumer group connected and joined (Kubernetes readiness). */
  readonly ready: KarafkaHealthCheck;
  /** Nothing crashed past its restart budget, stuck in `consume` or in backoff, or too far behind (liveness). */
  readonly alive: KarafkaHealthCheck;
}

const DEFAULT_LIMITS: Required<Omit<KarafkaHealthLimits, 'maxLag'>> = {
  maxConsumeTime: 300_000,
  maxBackoffTime: 300_000,
  maxCrashes: 5,
};

/** Readiness and liveness of a runtime snapshot (pure: `now` is the snapshot's time). */
export function evaluateHealth(
  snapshot: KarafkaRuntimeSnapshot,
  limits: KarafkaHealthLimits = {},
): KarafkaHealth {
  const { maxConsumeTime, maxBackoffTime, maxCrashes } = { ...DEFAULT_LIMITS, ...limits };
  const now = snapshot.takenAt.getTime();
  const ready: KarafkaHealthProblem[] = [];
  const alive: KarafkaHealthProblem[] = [];
  if (snapshot.status !== 'connected' || !snapshot.groups.length) {
    ready.push({ group: '*', reason: `the server is ${snapshot.status}, not consuming` });
  }
  for (const group of snapshot.groups) {
    if (group.state !== 'joined') {
      ready.push({
        group: group.id,
        reason:
          `consumer group is ${group.state}` + (group.lastError ? `: ${group.lastError}` : ''),
      });
    }
    if (group.crashes >= maxCrashes) {
      alive.push({
        group: group.id,
        reason: `the client crashed ${group.crashes} times in a row (budget ${maxCrashes})`,
      });
    }
    for (const p of group.partitions) {
      const where = { group: group.id, topic: p.topic, partition: p.partition };
      if (p.consumingSince && now - p.consumingSince.getTime() > maxConsumeTime) {
        alive.push({
          ...where,
          reason: `consume has been running for ${now - p.consumingSince.getTime()} ms (limit ${maxConsumeTime})`,
        });
      }
      if (p.backingOffSince && now - p.backingOffSince.getTime() > maxBackoffTime) {
        alive.push({
          ...where,
          reason: `failing and backing off for ${now - p.backingOffSince.getTime()} ms (attempt ${p.attempt}, limit ${maxBackoffTime})`,
        });
      }
      if (limits.maxLag !== undefined && p.lag !== undefined && p.lag > limits.maxLag) {
        alive.push({ ...where, reason: `lag ${p.lag} is over ${limits.maxLag}` });
      }
    }
  }
  return {
    ready: { healthy: ready.length === 0, problems: ready },
    alive: { healthy: alive.length === 0, problems: alive },
  };
}
