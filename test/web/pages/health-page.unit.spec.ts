import { describe, expect, it } from 'vitest';
import {
  HEALTH_PAGE_SIZE,
  healthPage,
  healthQuery,
} from '../../../lib/web/ui/pages/health.page.js';
import { bigCluster, ctx } from './big-cluster.js';

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
