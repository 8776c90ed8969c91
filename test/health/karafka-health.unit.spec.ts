import { describe, expect, it } from 'vitest';
import type { ConsumerGroupSnapshot } from '../../lib/connection/consumer-group-snapshot.js';
import { evaluateHealth } from '../../lib/health/karafka-health.js';
import type { KarafkaRuntimeSnapshot } from '../../lib/server/runtime-snapshot.js';

const now = new Date('2026-01-01T00:10:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

function snapshot(groups: Partial<ConsumerGroupSnapshot>[]): KarafkaRuntimeSnapshot {
  return {
    status: 'connected',
    takenAt: now,
    groups: groups.map((group, i) => ({
      id: `g${i}`,
      name: `g${i}`,
      state: 'joined',
      topics: ['orders'],
      crashes: 0,
      partitions: [],
      ...group,
    })),
  };
}

const partition = {
  topic: 'orders',
  kafkaTopic: 'orders',
  partition: 3,
  paused: false,
  attempt: 0,
};

describe('readiness and liveness of a runtime snapshot', () => {
  it('is ready and alive when every group joined and nothing is stuck', () => {
    const health = evaluateHealth(snapshot([{ partitions: [{ ...partition, lag: 5 }] }]));
    expect(health.ready).toEqual({ healthy: true, problems: [] });
    expect(health.alive).toEqual({ healthy: true, problems: [] });
  });

  it('is not ready while a group is not joined, naming the group and why', () => {
    const health = evaluateHealth(
      snapshot([{}, { state: 'crashed', lastError: 'Connection refused' }]),
    );
    expect(health.ready.problems).toEqual([
      { group: 'g1', reason: 'consumer group is crashed: Connection refused' },
    ]);
    expect(health.alive.healthy).toBe(true);
  });

  it('is not ready before the server runs', () => {
    const health = evaluateHealth({ status: 'idle', takenAt: now, groups: [] });
    expect(health.ready.healthy).toBe(false);
  });

  it('is not alive past the restart budget, a stuck consume or a long backoff, naming the partition', () => {
    const health = evaluateHealth(
      snapshot([
        { crashes: 5 },
        {
          partitions: [
            { ...partition, consumingSince: ago(2_000) },
            { ...partition, partition: 4, backingOffSince: ago(9_000), attempt: 7 },
          ],
        },
      ]),
      { maxConsumeTime: 1_000, maxBackoffTime: 5_000 },
    );
    expect(health.alive.problems).toEqual([
      { group: 'g0', reason: 'the client crashed 5 times in a row (budget 5)' },
      {
        group: 'g1',
        topic: 'orders',
        partition: 3,
        reason: 'consume has been running for 2000 ms (limit 1000)',
      },
      {
        group: 'g1',
        topic: 'orders',
        partition: 4,
        reason: 'failing and backing off for 9000 ms (attempt 7, limit 5000)',
      },
    ]);
  });

  it('counts lag over maxLag only when asked to', () => {
    const lagging = snapshot([{ partitions: [{ ...partition, lag: 1_000 }] }]);
    expect(evaluateHealth(lagging).alive.healthy).toBe(true);
    expect(evaluateHealth(lagging, { maxLag: 999 }).alive.problems).toEqual([
      { group: 'g0', topic: 'orders', partition: 3, reason: 'lag 1000 is over 999' },
    ]);
    expect(evaluateHealth(lagging, { maxLag: 1_000 }).alive.healthy).toBe(true);
  });
});
