import type { ProcessReport, ReportedPartition } from '../../../lib/web/tracking/process-report.js';
import type { PageContext } from '../../../lib/web/ui/pages/layout.js';
import { WebState } from '../../../lib/web/ui/web-state.js';

export const now = Date.UTC(2026, 0, 1);
export const ctx: PageContext = {
  base: '/karafka',
  csrf: 'a'.repeat(32),
  readOnly: false,
  commands: true,
  now,
};

/** 50 topics x 12 partitions spread over 10 processes, as in `npm run bench:web`. */
export function bigCluster(): WebState {
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
