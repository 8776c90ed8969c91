import { describe, expect, it } from 'vitest';
import type { KarafkaHealth } from '../../lib/health/karafka-health.js';
import { swarmMetricsText } from '../../lib/swarm/swarm-metrics.js';
import {
  evaluateSwarmHealth,
  type SwarmInspection,
  type SwarmWorkerInspection,
} from '../../lib/swarm/swarm-report.js';

const healthy: KarafkaHealth = {
  ready: { healthy: true, problems: [] },
  alive: { healthy: true, problems: [] },
};

function worker(id: number, overrides: Partial<SwarmWorkerInspection> = {}): SwarmWorkerInspection {
  return {
    id,
    pid: 1000 + id,
    state: 'running',
    restarts: 0,
    crashes: 0,
    partitions: {},
    report: { health: healthy, groups: [{ id: 'app_g', state: 'joined', lag: 0 }] },
    ...overrides,
  };
}

const inspection = (...workers: SwarmWorkerInspection[]): SwarmInspection => ({
  takenAt: new Date(),
  workers,
});

describe('the health of a swarm', () => {
  it('is ready and alive when every worker runs, answers and is healthy itself', () => {
    const health = evaluateSwarmHealth(inspection(worker(1), worker(2)));
    expect(health.ready).toEqual({ healthy: true, problems: [] });
    expect(health.alive).toEqual({ healthy: true, problems: [] });
  });

  it('is not ready while a worker restarts, naming it and how it died, but stays alive', () => {
    const restarting = worker(2, {
      state: 'restarting',
      restarts: 1,
      crashes: 1,
      report: undefined,
      lastExit: { code: null, signal: 'SIGKILL', at: new Date() },
    });
    const health = evaluateSwarmHealth(inspection(worker(1), restarting));
    expect(health.ready.healthy).toBe(false);
    expect(health.ready.problems).toEqual([
      { worker: 2, pid: 1002, reason: 'worker 2 is restarting (last exit: signal SIGKILL)' },
    ]);
    expect(health.alive.healthy).toBe(true);
  });

  it('is not alive when a worker died maxCrashes times in a row', () => {
    const looping = worker(1, { state: 'restarting', crashes: 3, report: undefined });
    expect(evaluateSwarmHealth(inspection(looping), { maxCrashes: 3 }).alive.problems).toEqual([
      { worker: 1, pid: 1001, reason: 'worker 1 died 3 times in a row (budget 3)' },
    ]);
    expect(evaluateSwarmHealth(inspection(looping), { maxCrashes: 4 }).alive.healthy).toBe(true);
  });

  it("carries a worker's own problems, and says so when a running worker does not answer", () => {
    const stuck: KarafkaHealth = {
      ready: { healthy: true, problems: [] },
      alive: {
        healthy: false,
        problems: [{ group: 'app_g', topic: 'orders', partition: 3, reason: 'consume stuck' }],
      },
    };
    const silent = worker(2, { report: undefined, unanswered: 'worker 2 did not answer' });
    const health = evaluateSwarmHealth(
      inspection(worker(1, { report: { health: stuck, groups: [] } }), silent),
    );
    expect(health.alive.problems).toEqual([
      {
        worker: 1,
        pid: 1001,
        group: 'app_g',
        topic: 'orders',
        partition: 3,
        reason: 'consume stuck',
      },
    ]);
    expect(health.ready.problems).toEqual([
      { worker: 2, pid: 1002, reason: 'worker 2 did not answer' },
    ]);
  });
});

describe("the supervisor's /metrics", () => {
  const workerMetrics = (consumed: number) =>
    [
      '# HELP karafka_messages_consumed_total Messages consumed.',
      '# TYPE karafka_messages_consumed_total counter',
      `karafka_messages_consumed_total{group="g",topic="t",partition="0"} ${consumed}`,
      '',
      '# HELP karafka_consume_duration_seconds Duration.',
      '# TYPE karafka_consume_duration_seconds histogram',
      'karafka_consume_duration_seconds_bucket{le="0.1",group="g",topic="t"} 1',
      'karafka_consume_duration_seconds_sum{group="g",topic="t"} 0.05',
      'karafka_consume_duration_seconds_count{group="g",topic="t"} 1',
      '',
      '# HELP karafka_producer_ack_duration_seconds Ack.',
      '# TYPE karafka_producer_ack_duration_seconds histogram',
      'karafka_producer_ack_duration_seconds_count 0',
      '',
    ].join('\n');

  it('lists the workers, their state and restarts, and each family of their metrics once, labelled by worker', () => {
    const text = swarmMetricsText(
      inspection(
        worker(1, {
          report: { health: healthy, groups: [], metrics: workerMetrics(7) },
        }),
        worker(2, {
          state: 'restarting',
          restarts: 2,
          report: undefined,
        }),
        worker(3, {
          restarts: 1,
          report: { health: healthy, groups: [], metrics: workerMetrics(5) },
        }),
      ),
    );
    const lines = text.trim().split('\n');
    expect(lines).toContain('karafka_swarm_workers 3');
    expect(lines).toContain('karafka_swarm_worker_state{worker="2",state="restarting"} 1');
    expect(lines).toContain('karafka_swarm_worker_state{worker="2",state="running"} 0');
    expect(lines).toContain('karafka_swarm_worker_restarts_total{worker="2"} 2');
    expect(lines).toContain('karafka_swarm_worker_ready{worker="1"} 1');
    expect(lines).toContain('karafka_swarm_worker_ready{worker="2"} 0');
    // Each family once, with both workers' samples right under its TYPE line.
    const type = lines.indexOf('# TYPE karafka_messages_consumed_total counter');
    expect(
      lines.filter((l) => l.startsWith('# TYPE karafka_messages_consumed_total')),
    ).toHaveLength(1);
    expect(lines.slice(type + 1, type + 3)).toEqual([
      'karafka_messages_consumed_total{worker="1",group="g",topic="t",partition="0"} 7',
      'karafka_messages_consumed_total{worker="3",group="g",topic="t",partition="0"} 5',
    ]);
    const histogram = lines.indexOf('# TYPE karafka_consume_duration_seconds histogram');
    expect(lines.slice(histogram + 1, histogram + 7)).toEqual([
      'karafka_consume_duration_seconds_bucket{worker="1",le="0.1",group="g",topic="t"} 1',
      'karafka_consume_duration_seconds_sum{worker="1",group="g",topic="t"} 0.05',
      'karafka_consume_duration_seconds_count{worker="1",group="g",topic="t"} 1',
      'karafka_consume_duration_seconds_bucket{worker="3",le="0.1",group="g",topic="t"} 1',
      'karafka_consume_duration_seconds_sum{worker="3",group="g",topic="t"} 0.05',
      'karafka_consume_duration_seconds_count{worker="3",group="g",topic="t"} 1',
    ]);
    expect(lines).toContain('karafka_producer_ack_duration_seconds_count{worker="3"} 0');
  });
});
