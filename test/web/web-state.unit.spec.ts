import { describe, expect, it } from 'vitest';
import type { ProcessReport } from '../../lib/web/tracking/process-report.js';
import { WebState } from '../../lib/web/ui/web-state.js';

const MINUTE = 60_000;
const now = 100 * MINUTE + 30_000;

function report(id: string, at: number, status = 'connected'): ProcessReport {
  return {
    schema: 1,
    id,
    host: 'h',
    pid: 1,
    clientId: 'c',
    version: '0',
    startedAt: 0,
    at,
    interval: 5_000,
    status,
    memory: { rss: 0, heapUsed: 0 },
    consumed: 0,
    produced: 0,
    errors: 0,
    commands: false,
    groups: [],
    routes: [],
  };
}

describe('WebState: what the pages show, rebuilt from the web topics', () => {
  it('sums counts per minute over processes, and takes the newest lag of each process in a minute', () => {
    const state = new WebState();
    state.addSample(
      { id: 'a', at: now - 20_000, consumed: 5, produced: 1, errors: 0, lag: 100 },
      now,
    );
    state.addSample(
      { id: 'a', at: now - 10_000, consumed: 7, produced: 0, errors: 1, lag: 40 },
      now,
    );
    state.addSample({ id: 'b', at: now - 5_000, consumed: 3, produced: 2, errors: 0, lag: 2 }, now);
    state.addSample(
      { id: 'a', at: now - MINUTE, consumed: 9, produced: 0, errors: 0, lag: 1 },
      now,
    );
    const [previous, current] = state.history(2, now);
    expect(current).toEqual({
      minute: 100 * MINUTE,
      consumed: 15,
      produced: 3,
      errors: 1,
      lag: 42,
    });
    expect(previous).toMatchObject({ minute: 99 * MINUTE, consumed: 9, lag: 1 });
  });

  it('keeps a day of minutes: older samples are not counted', () => {
    const state = new WebState();
    state.addSample(
      { id: 'a', at: now - 25 * 60 * MINUTE, consumed: 5, produced: 0, errors: 0, lag: 0 },
      now,
    );
    expect(state.history(24 * 60, now).reduce((sum, b) => sum + b.consumed, 0)).toBe(0);
  });

  it('sums hourly totals over processes, the newest totals of each process and hour winning, for a week', () => {
    const HOUR = 60 * MINUTE;
    const nowH = 1_000 * HOUR + 10 * MINUTE;
    const state = new WebState();
    const totals = (id: string, hour: number, consumed: number, lag: number) => ({
      id,
      hour,
      consumed,
      produced: 1,
      errors: 0,
      lag,
    });
    state.addHour(totals('a', 1_000 * HOUR, 10, 5), nowH);
    state.addHour(totals('a', 1_000 * HOUR, 25, 3), nowH); // later totals of the same hour
    state.addHour(totals('b', 1_000 * HOUR, 4, 1), nowH);
    state.addHour(totals('a', 999 * HOUR, 7, 0), nowH);
    state.addHour(totals('a', (1_000 - 7 * 24) * HOUR, 99, 0), nowH); // more than a week ago
    const week = state.hours(7 * 24, nowH);
    expect(week).toHaveLength(168);
    expect(week[0]!.hour).toBe((1_000 - 167) * HOUR);
    expect(week[167]).toEqual({ hour: 1_000 * HOUR, consumed: 29, produced: 2, errors: 0, lag: 4 });
    expect(week[166]).toMatchObject({ hour: 999 * HOUR, consumed: 7 });
    expect(week.reduce((sum, b) => sum + b.consumed, 0)).toBe(36);
  });

  it('keeps the newest report per process and marks processes stale after three silent intervals or a stop', () => {
    const state = new WebState();
    state.addReport(report('a', now - 1_000));
    state.addReport(report('a', now - 9_000)); // older, arrives later: ignored
    state.addReport(report('b', now - 16_000));
    state.addReport(report('c', now, 'stopped'));
    expect(state.process('a')!.at).toBe(now - 1_000);
    expect(state.processes().map((p) => [p.id, state.isStale(p, now)])).toEqual([
      ['a', false],
      ['b', true],
      ['c', true],
    ]);
  });

  it('lists errors newest first and keeps the last thousand', () => {
    const state = new WebState();
    for (let i = 0; i < 1_005; i++) {
      state.addError({
        process: 'a',
        at: i,
        type: 'consumer.consume.error',
        errorClass: 'Error',
        message: `e${i}`,
      });
    }
    const errors = state.errors();
    expect(errors).toHaveLength(1_000);
    expect(errors[0]!.message).toBe('e1004');
    expect(errors[999]!.message).toBe('e5');
  });
});
