import { html, num } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/** A `consume` running longer than this is shown as stuck. */
const STUCK_MS = 60_000;

/**
 * Consumer groups / health: per group and partition the offsets, lag, state and owner
 * process; partitions stuck or backing off are highlighted. With commands on, each row has
 * pause/resume and seek forms for the owning process.
 */
export function healthPage(ctx: PageContext, state: WebState): string {
  const rows = new Map<string, ReturnType<typeof rowsOf>>();
  for (const report of state.processes()) {
    if (state.isStale(report, ctx.now)) continue;
    for (const row of rowsOf(report)) {
      const list = rows.get(row.group) ?? [];
      list.push(row);
      rows.set(row.group, list);
    }
  }
  const groups = [...rows.keys()].sort();
  return layout(
    ctx,
    'health',
    'Consumer groups',
    groups.length
      ? html`${groups.map((group) => {
          const list = rows
            .get(group)!
            .flat()
            .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
          const lag = list.reduce((sum, row) => sum + (row.lag ?? 0), 0);
          return html`<h2>${group} <span class="tag">lag ${num(lag)}</span></h2>
            <table>
              <tr>
                <th>topic</th>
                <th class="n">partition</th>
                <th class="n">committed</th>
                <th class="n">high watermark</th>
                <th class="n">lag</th>
                <th>state</th>
                <th>owner</th>
                ${ctx.commands && !ctx.readOnly ? html`<th>commands</th>` : ''}
              </tr>
              ${list.map((row) => {
                const stuck =
                  row.consumingSince !== undefined && ctx.now - row.consumingSince > STUCK_MS;
                const id = `${row.topic}-${row.partition}`;
                return html`<tr id="partition-${id}">
                  <td>${row.topic}</td>
                  <td class="n">${row.partition}</td>
                  <td class="n">${row.committedOffset ?? '–'}</td>
                  <td class="n">${row.highWatermark ?? '–'}</td>
                  <td class="n">${num(row.lag)}</td>
                  <td class="state state-${row.state}">
                    ${row.state}${row.attempt ? ` (attempt ${row.attempt})` : ''}${stuck ? html` <span class="tag err">stuck ${Math.round((ctx.now - row.consumingSince!) / 1000)}s</span>` : ''}
                  </td>
                  <td>${row.owner}</td>
                  ${
                    ctx.commands && !ctx.readOnly
                      ? html`<td>
                          ${
                            row.ownerAcceptsCommands
                              ? commandForm(ctx, group, row)
                              : html`<span class="muted">process has commands off</span>`
                          }
                        </td>`
                      : ''
                  }
                </tr>`;
              })}
            </table>`;
        })}`
      : html`<p class="muted">No live process reports a consumer group.</p>`,
  );
}

function rowsOf(report: ReturnType<WebState['processes']>[number]) {
  return report.groups.flatMap((group) =>
    group.partitions.map((p) => ({
      ...p,
      group: group.id,
      owner: report.id,
      ownerAcceptsCommands: report.commands,
    })),
  );
}

/** One form per partition (pages with hundreds of partitions stay small): pause/resume or seek. */
function commandForm(
  ctx: PageContext,
  group: string,
  row: { owner: string; topic: string; partition: number; state: string },
) {
  const toggle = row.state === 'paused' ? 'resume' : 'pause';
  return html`<form class="inline" method="post" action="${ctx.base}/commands">
    <input type="hidden" name="_csrf" value="${ctx.csrf}" /><input
      type="hidden"
      name="process"
      value="${row.owner}"
    /><input type="hidden" name="group" value="${group}" /><input
      type="hidden"
      name="topic"
      value="${row.topic}"
    /><input type="hidden" name="partition" value="${row.partition}" /><button
      name="action"
      value="${toggle}"
      formnovalidate
    >
      ${toggle === 'pause' ? 'Pause' : 'Resume'}
    </button>
    <input name="offset" size="8" placeholder="offset" pattern="[0-9]+" />
    <button name="action" value="seek">Seek</button>
  </form>`;
}
