import { html, num } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, sparkline, type PageContext } from './layout.js';

/** Dashboard: throughput, lag, errors and processes now, and the last hour per minute. */
export function dashboardPage(ctx: PageContext, state: WebState): string {
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
  const history = state.history(60, ctx.now);
  const errorsLastMinute =
    history[history.length - 1]!.errors + history[history.length - 2]!.errors;
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
      <h2>Last hour, per minute</h2>
      <div class="charts">
        ${sparkline(
          history.map((b) => b.consumed),
          'consumed / min',
          num(history.reduce((s, b) => s + b.consumed, 0)),
        )}
        ${sparkline(
          history.map((b) => b.produced),
          'produced / min',
          num(history.reduce((s, b) => s + b.produced, 0)),
        )}
        ${sparkline(
          history.map((b) => b.lag),
          'lag',
          num(history[history.length - 1]!.lag),
        )}
        ${sparkline(
          history.map((b) => b.errors),
          'errors / min',
          num(history.reduce((s, b) => s + b.errors, 0)),
        )}
      </div>
      <p class="muted">
        History comes from the samples topic (a day is kept); it survives restarts of the UI and of
        the processes.
      </p>`,
  );
}
