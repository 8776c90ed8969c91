import { html, num, type SafeHtml } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/** A `consume` running longer than this is shown as stuck. */
const STUCK_MS = 60_000;

/** Partition rows per page: 50 topics x 12 partitions stay a few pages of ~100 KB. */
export const HEALTH_PAGE_SIZE = 100;

/** What the consumer groups page shows: a page of rows, optionally one group or the troubled only. */
export interface HealthQuery {
  /** 1-based. */
  page: number;
  group?: string;
  /** Only partitions paused, backing off or stuck. */
  problems: boolean;
}

type Row = ReturnType<typeof rowsOf>[number] & { stuck: boolean };

/**
 * Consumer groups / health: a summary per group (partitions, lag, how many are paused, backing
 * off or stuck, on every page), then the partitions with offsets, lag, state and owner process,
 * a page at a time; troubled partitions are highlighted and can be listed alone. With commands
 * on, each row has pause/resume and seek forms for the owning process.
 */
export function healthPage(ctx: PageContext, state: WebState, query: HealthQuery): string {
  const all: Row[] = [];
  for (const report of state.processes()) {
    if (state.isStale(report, ctx.now)) continue;
    for (const row of rowsOf(report)) {
      const stuck = row.consumingSince !== undefined && ctx.now - row.consumingSince > STUCK_MS;
      all.push({ ...row, stuck });
    }
  }
  all.sort(
    (a, b) =>
      a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition,
  );
  if (!all.length) {
    return layout(
      ctx,
      'health',
      'Consumer groups',
      html`<p class="muted">No live process reports a consumer group.</p>`,
    );
  }
  const troubled = (row: Row) => row.state !== 'running' || row.stuck;
  const selected = all.filter(
    (row) => (!query.group || row.group === query.group) && (!query.problems || troubled(row)),
  );
  const pages = Math.max(1, Math.ceil(selected.length / HEALTH_PAGE_SIZE));
  const page = Math.min(Math.max(1, query.page), pages);
  const shown = selected.slice((page - 1) * HEALTH_PAGE_SIZE, page * HEALTH_PAGE_SIZE);
  const link = (changes: Partial<HealthQuery>) => healthLink(ctx, { ...query, page, ...changes });
  const byGroup = new Map<string, Row[]>();
  for (const row of shown) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
  const withCommands = ctx.commands && !ctx.readOnly;
  return layout(
    ctx,
    'health',
    'Consumer groups',
    html`${groupSummary(all, troubled, link)}
      <p id="health-filter">
        ${query.group ? html`group <b>${query.group}</b> (<a href="${link({ group: undefined, page: 1 })}">all groups</a>) · ` : ''}
        ${
          query.problems
            ? html`<b>only paused, backing off or stuck</b> (<a
                  href="${link({ problems: false, page: 1 })}"
                  >all partitions</a
                >)`
            : html`<a href="${link({ problems: true, page: 1 })}"
                >only paused, backing off or stuck</a
              >`
        }
      </p>
      ${pager(page, pages, selected.length, link)}
      ${[...byGroup].map(
        ([group, rows]) =>
          html`<h2>${group}</h2>
            <table>
              <tr>
                <th>topic</th>
                <th class="n">partition</th>
                <th class="n">committed</th>
                <th class="n">high watermark</th>
                <th class="n">lag</th>
                <th>state</th>
                <th>owner</th>
                ${withCommands ? html`<th>commands</th>` : ''}
              </tr>
              ${rows.map(
                (row) =>
                  html`<tr id="partition-${row.topic}-${row.partition}">
                    <td>${row.topic}</td>
                    <td class="n">${row.partition}</td>
                    <td class="n">${row.committedOffset ?? '–'}</td>
                    <td class="n">${row.highWatermark ?? '–'}</td>
                    <td class="n">${num(row.lag)}</td>
                    <td class="state state-${row.state}">
                      ${row.state}${row.attempt ? ` (attempt ${row.attempt})` : ''}${row.stuck ? html` <span class="tag err">stuck ${Math.round((ctx.now - row.consumingSince!) / 1000)}s</span>` : ''}
                    </td>
                    <td>${row.owner}</td>
                    ${
                      withCommands
                        ? html`<td>
                            ${
                              row.ownerAcceptsCommands
                                ? commandForm(ctx, group, row, link({}))
                                : html`<span class="muted">process has commands off</span>`
                            }
                          </td>`
                        : ''
                    }
                  </tr>`,
              )}
            </table>`,
      )}
      ${selected.length ? pager(page, pages, selected.length, link) : html`<p class="muted">No partition matches.</p>`}`,
  );
}

/** The query of the consumer groups page from its URL (bad values fall back to defaults). */
export function healthQuery(params: URLSearchParams): HealthQuery {
  const page = Number(params.get('page') ?? '1');
  return {
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
    group: params.get('group') || undefined,
    problems: params.get('problems') === '1',
  };
}

function healthLink(ctx: PageContext, query: HealthQuery): string {
  const params = new URLSearchParams();
  if (query.group) params.set('group', query.group);
  if (query.problems) params.set('problems', '1');
  if (query.page > 1) params.set('page', String(query.page));
  const search = params.toString();
  return `${ctx.base}/health${search ? `?${search}` : ''}`;
}

function groupSummary(
  rows: Row[],
  troubled: (row: Row) => boolean,
  link: (changes: Partial<HealthQuery>) => string,
): SafeHtml {
  const groups = new Map<
    string,
    { partitions: number; lag: number; paused: number; backingOff: number; stuck: number }
  >();
  for (const row of rows) {
    const g = groups.get(row.group) ?? {
      partitions: 0,
      lag: 0,
      paused: 0,
      backingOff: 0,
      stuck: 0,
    };
    g.partitions++;
    g.lag += row.lag ?? 0;
    if (row.state === 'paused') g.paused++;
    if (row.state === 'backing_off') g.backingOff++;
    if (row.stuck) g.stuck++;
    groups.set(row.group, g);
  }
  const problems = rows.filter(troubled).length;
  return html`<table id="group-summary">
      <tr>
        <th>consumer group</th>
        <th class="n">partitions</th>
        <th class="n">lag</th>
        <th class="n">paused</th>
        <th class="n">backing off</th>
        <th class="n">stuck</th>
      </tr>
      ${[...groups].map(
        ([id, g]) =>
          html`<tr>
            <td><a href="${link({ group: id, page: 1 })}">${id}</a></td>
            <td class="n">${num(g.partitions)}</td>
            <td class="n">${num(g.lag)}</td>
            <td class="n ${g.paused ? 'state-paused' : ''}">${num(g.paused)}</td>
            <td class="n ${g.backingOff ? 'bad' : ''}">${num(g.backingOff)}</td>
            <td class="n ${g.stuck ? 'bad' : ''}">${num(g.stuck)}</td>
          </tr>`,
      )}
    </table>
    ${problems ? html`<p class="bad">${num(problems)} partitions paused, backing off or stuck.</p>` : ''}`;
}

function pager(
  page: number,
  pages: number,
  total: number,
  link: (changes: Partial<HealthQuery>) => string,
): SafeHtml {
  if (pages <= 1) return html``;
  const from = (page - 1) * HEALTH_PAGE_SIZE + 1;
  const to = Math.min(total, page * HEALTH_PAGE_SIZE);
  return html`<p class="pager">
    ${page > 1 ? html`<a href="${link({ page: page - 1 })}" rel="prev">« previous</a> · ` : ''}
    partitions ${num(from)}–${num(to)} of ${num(total)} (page ${page} of ${pages})
    ${page < pages ? html` · <a href="${link({ page: page + 1 })}" rel="next">next »</a>` : ''}
  </p>`;
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

/**
 * One form per partition: pause/resume or seek. `back` brings the browser back to the same
 * page of the list after the command.
 */
function commandForm(
  ctx: PageContext,
  group: string,
  row: { owner: string; topic: string; partition: number; state: string },
  back: string,
): SafeHtml {
  const toggle = row.state === 'paused' ? 'resume' : 'pause';
  const query = back.includes('?') ? back.slice(back.indexOf('?')) : '';
  return html`<form class="inline" method="post" action="${ctx.base}/commands">
    <input type="hidden" name="_csrf" value="${ctx.csrf}" /><input
      type="hidden"
      name="process"
      value="${row.owner}"
    /><input type="hidden" name="group" value="${group}" /><input
      type="hidden"
      name="topic"
      value="${row.topic}"
    /><input
      type="hidden"
      name="partition"
      value="${row.partition}"
    />${query ? html`<input type="hidden" name="back" value="${query}" />` : ''}<button
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
