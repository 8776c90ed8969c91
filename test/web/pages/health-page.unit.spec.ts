import { describe, expect, it } from 'vitest';
import type { ProcessReport, ReportedPartition } from '../../../lib/web/tracking/process-report.js';
import {
  HEALTH_PAGE_SIZE,
  healthPage,
  healthQuery,
} from '../../../lib/web/ui/pages/health.page.js';
import type { PageContext } from '../../../lib/web/ui/pages/layout.js';
import { WebState } from '../../../lib/web/ui/web-state.js';

const now = Date.UTC(2026, 0, 1);
const ctx: PageContext = {
  base: '/karafka',
  csrf: 'a'.repeat(32),
  readOnly: false,
  commands: true,
  now,
};

/** 50 topics x 12 partitions spread over 10 processes, as in `npm run bench:web`. */
function bigCluster(): WebState {
  const state = new WebState();
  for (let p = 0; p < 10; p++) {
    const partitions: ReportedPartition[] = [];
    for (let t = 0; t < 50; t++) {
      for (let part = 0; part < 12; part++) {
        if ((t * 12 + part) % 10 !== p) continue;
        partitions.push({
          topic: `topic_${String(t).padStart(2, '0')}`,
          partition: part,
          highWatermark: '20',
          committedOffset: '19',
          lag: 1,
          state:
            t === 42 && part === 11 ? 'backing_off' : t === 7 && part === 3 ? 'paused' : 'running',
          attempt: t === 42 && part === 11 ? 2 : 0,
        });
      }
    }
    const report: ProcessReport = {
      schema: 1,
      id: `host-${p}:${p}:aaa`,
      host: `host-${p}`,
      pid: p,
      clientId: 'app',
      version: '0',
      startedAt: now - 1000,
      at: now,
      interval: 5_000,
      status: 'connected',
      memory: { rss: 0, heapUsed: 0 },
      consumed: 0,
      produced: 0,
      errors: 0,
      commands: true,
      groups: [
        {
          id: p < 5 ? 'app' : 'other',
          name: 'app',
          state: 'joined',
          topics: [],
          crashes: 0,
          partitions,
        },
      ],
      routes: [],
    };
    state.addReport(report);
  }
  return state;
}

const rows = (page: string) => page.match(/<tr id="partition-/g)?.length ?? 0;

describe('consumer groups page with 50 topics x 12 partitions and 10 processes', () => {
  const state = bigCluster();

  it('shows one page of partitions with a pager, small enough to load fast', () => {
    const first = healthPage(ctx, state, healthQuery(new URLSearchParams()));
    expect(rows(first)).toBe(HEALTH_PAGE_SIZE);
    expect(first).toContain('partitions 1–100 of 600 (page 1 of 6)');
    expect(first).toContain('href="/karafka/health?page=2"');
    expect(first.length).toBeLessThan(150 * 1024);
    const last = healthPage(ctx, state, healthQuery(new URLSearchParams('page=6')));
    expect(rows(last)).toBe(100);
    expect(last).toContain('partitions 501–600 of 600');
    // Past the end: the last page, not an empty one.
    expect(rows(healthPage(ctx, state, healthQuery(new URLSearchParams('page=99'))))).toBe(100);
  });

  it('summarises every group on every page and lists the troubled partitions alone', () => {
    const last = healthPage(ctx, state, healthQuery(new URLSearchParams('page=6')));
    expect(last).toMatch(/<a href="\/karafka\/health\?group=app">app<\/a>/);
    expect(last).toContain('2 partitions paused, backing off or stuck.');
    const problems = healthPage(ctx, state, healthQuery(new URLSearchParams('problems=1')));
    expect(rows(problems)).toBe(2);
    expect(problems).toContain('id="partition-topic_07-3"');
    expect(problems).toContain('id="partition-topic_42-11"');
  });

  it('filters by group, and the command forms bring the browser back to the same page', () => {
    const other = healthPage(ctx, state, healthQuery(new URLSearchParams('group=other&page=2')));
    expect(other).toContain('partitions 101–200 of 300');
    expect(other).not.toContain('<h2>app</h2>');
    expect(other).toContain('<input type="hidden" name="back" value="?group=other&amp;page=2" />');
  });
});
