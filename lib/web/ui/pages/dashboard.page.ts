import { html, num } from '../html.js';
import type { WebState } from '../web-state.js';
import { dashboardHref, layout, sparkline, type PageContext } from './layout.js';

/** The dashboard's chart ranges: an hour or a day per minute, a week per hour. */
export type HistoryRange = 'hour' | 'day' | 'week';

const RANGES: Record<HistoryRange, string> = {
  hour: 'Last hour, per minute',
  day: 'Last day, per minute',
  week: 'Last week, per hour',
};

export function historyRange(value: string | null): HistoryRange {
  return value === 'day' || value === 'week' ? value : 'hour';
}

/** Dashboard: throughput, lag, errors and processes now, and charts over time. */
export function dashboardPage(
  ctx: PageContext,
  state: WebState,
  range: HistoryRange = 'hour',
): string {
  const processes = state.processes();
  const live = processes.filter((p) => !state.isStale(p, ctx.now));
  let rate = 0;
  let produced = 0;
  let lag = 0;
  let partitions = 0;
  for (const p of live) {
    rate += p.consumed / (p.interval / 1000);
    produced += p.produced / (p.interval / 1000);
    for (const group of p.groups) {
      for (const partition of group.partitions) {
        lag += partition.lag ?? 0;
        partitions++;
      }
    }
  }
  const minutes = state.history(range === 'day' ? 24 * 60 : 60, ctx.now);
  const errorsLastMinute =
    minutes[minutes.length - 1]!.errors + minutes[minutes.length - 2]!.errors;
  const history = range === 'week' ? state.hours(7 * 24, ctx.now) : minutes;
  const per = range === 'week' ? 'h' : 'min';
  const card = (value: string, label: string, id: string) =>
    html`<div class="card" id="${id}">
      <div class="v">${value}</div>
      <div class="l">${label}</div>
    </div>`;
  return layout(
    ctx,
    '',
    'Dashboard',
    html`<div class="cards">
        ${card(num(live.length), `processes running (${processes.length - live.length} stale)`, 'card-processes')}
        ${card(rate.toFixed(1), 'messages/s consumed', 'card-consumed')}
        ${card(produced.toFixed(1), 'messages/s produced', 'card-produced')}
        ${card(num(lag), 'total lag', 'card-lag')}
        ${card(num(partitions), 'assigned partitions', 'card-partitions')}
        ${card(num(errorsLastMinute), 'errors in the last 2 minutes', 'card-errors')}
      </div>
      <h2 id="history-range">${RANGES[range]}</h2>
      <p>
        ${(Object.keys(RANGES) as HistoryRange[]).map((r) =>
          r === range
            ? html`<b>${r}</b> `
            : html`<a id="range-${r}" href="${dashboardHref(ctx.base)}?range=${r}">${r}</a> `,
        )}
      </p>
      <div class="charts">
        ${sparkline(
          history.map((b) => b.consumed),
          `consumed / ${per}`,
          num(history.reduce((s, b) => s + b.consumed, 0)),
        )}
        ${sparkline(
          history.map((b) => b.produced),
          `produced / ${per}`,
          num(history.reduce((s, b) => s + b.produced, 0)),
        )}
        ${sparkline(
          history.map((b) => b.lag),
          'lag',
          num(history[history.length - 1]!.lag),
        )}
        ${sparkline(
          history.map((b) => b.errors),
          `errors / ${per}`,
          num(history.reduce((s, b) => s + b.errors, 0)),
        )}
      </div>
      <p class="muted">
        Per-minute history comes from the samples topic (a day of every process's report counts),
        per-hour history from the compacted history topic (a week of every process's hourly totals);
        both survive restarts of the UI and of the processes.
      </p>`,
  );
}
