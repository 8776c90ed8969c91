import { describe, expect, it } from 'vitest';
import { processesPage, processPage } from '../../../lib/web/ui/pages/processes.page.js';
import { bigCluster, ctx } from './big-cluster.js';

describe('processes pages with 10 processes over 50 topics x 12 partitions', () => {
  const state = bigCluster();

  it('lists one summary row per process with its partition counts, linking to its own page', () => {
    const page = processesPage(ctx, state);
    expect(page.match(/class="process-row/g)).toHaveLength(10);
    expect(page).toContain('href="/karafka/processes/host-3%3A3%3Aaaa"');
    expect(page).not.toContain('id="process-partitions"');
    expect(page.length).toBeLessThan(30 * 1024);
  });

  it('shows every group and partition of one process on its page', () => {
    const page = processPage(ctx, state, state.process('host-3:3:aaa')!);
    expect(page.match(/<td class="state-/g)).toHaveLength(60);
  });
});
