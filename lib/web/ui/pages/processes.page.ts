import type { ProcessReport } from '../../tracking/process-report.js';
import { ago, bytes, html, num } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/**
 * Processes: one row per process with its status, resources, throughput and a summary of its
 * partitions (so ten processes over 600 partitions stay a small page); stale ones marked. Each
 * links to its own page with every group and partition.
 */
export function processesPage(ctx: PageContext, state: WebState): string {
  const processes = state.processes();
  return layout(
    ctx,
    'processes',
    'Processes',
    processes.length
      ? html`<table id="processes">
          <tr>
            <th>process</th>
            <th>status</th>
            <th>client id</th>
            <th>version</th>
            <th>started</th>
            <th>last report</th>
            <th class="n">memory (RSS)</th>
            <th class="n">consumed</th>
            <th class="n">errors</th>
            <th class="n">groups</th>
            <th class="n">partitions</th>
            <th class="n">lag</th>
            <th class="n">paused</th>
            <th class="n">backing off</th>
          </tr>
          ${processes.map((p) => {
            const stale = state.isStale(p, ctx.now);
            const partitions = p.groups.flatMap((g) => g.partitions);
            const count = (state: string) => partitions.filter((x) => x.state === state).length;
            const backingOff = count('backing_off');
            return html`<tr class="process-row ${stale ? 'stale' : ''}" id="process-${p.id}">
              <td><a href="${processHref(ctx, p.id)}">${p.id}</a></td>
              <td>
                ${stale ? html`<span class="tag err">stale</span>` : html`<span class="tag">${p.status}</span>`}
              </td>
              <td>${p.clientId}</td>
              <td>${p.version}</td>
              <td>${ago(ctx.now, p.startedAt)}</td>
              <td>${ago(ctx.now, p.at)}</td>
              <td class="n">${bytes(p.memory.rss)}</td>
              <td class="n">${num(p.consumed)}</td>
              <td class="n">${num(p.errors)}</td>
              <td class="n">${num(p.groups.length)}</td>
              <td class="n">${num(partitions.length)}</td>
              <td class="n">${num(partitions.reduce((sum, x) => sum + (x.lag ?? 0), 0))}</td>
              <td class="n">${num(count('paused'))}</td>
              <td class="n ${backingOff ? 'bad' : ''}">${num(backingOff)}</td>
            </tr>`;
          })}
        </table>`
      : html`<p class="muted">
          No process has reported yet. Processes report every few seconds once
          <code>KarafkaWebModule</code> is imported next to <code>KarafkaModule</code>.
        </p>`,
  );
}

export function processHref(ctx: PageContext, id: string): string {
  return `${ctx.base}/processes/${encodeURIComponent(id)}`;
}

/** One process: what it runs on, and each of its groups and partitions with their states. */
export function processPage(ctx: PageContext, state: WebState, p: ProcessReport): string {
  const stale = state.isStale(p, ctx.now);
  return layout(
    ctx,
    'processes',
    `Process ${p.id}`,
    html`<p>
        ${stale ? html`<span class="tag err">stale</span>` : html`<span class="tag">${p.status}</span>`}
        <a href="${ctx.base}/processes">« all processes</a>
      </p>
      <table class="${stale ? 'stale' : ''}">
        <tr>
          <th>client id</th>
          <th>host</th>
          <th>pid</th>
          <th>version</th>
          <th>started</th>
          <th>last report</th>
          <th class="n">memory (RSS)</th>
          <th class="n">consumed</th>
          <th class="n">errors</th>
        </tr>
        <tr>
          <td>${p.clientId}</td>
          <td>${p.host}</td>
          <td class="n">${p.pid}</td>
          <td>${p.version}</td>
          <td>${ago(ctx.now, p.startedAt)}</td>
          <td>${ago(ctx.now, p.at)}</td>
          <td class="n">${bytes(p.memory.rss)}</td>
          <td class="n">${num(p.consumed)}</td>
          <td class="n">${num(p.errors)}</td>
        </tr>
      </table>
      <table id="process-partitions">
        <tr>
          <th>group</th>
          <th>state</th>
          <th>topic</th>
          <th class="n">partition</th>
          <th>partition state</th>
          <th class="n">lag</th>
          <th class="n">last consume</th>
        </tr>
        ${p.groups.flatMap((g) =>
          g.partitions.length
            ? g.partitions.map(
                (part) =>
                  html`<tr>
                    <td>${g.id}</td>
                    <td>${g.state}</td>
                    <td>${part.topic}</td>
                    <td class="n">${part.partition}</td>
                    <td class="state-${part.state}">
                      ${part.state}${part.attempt ? ` (attempt ${part.attempt})` : ''}
                    </td>
                    <td class="n">${num(part.lag)}</td>
                    <td class="n">
                      ${part.lastConsumeMs === undefined ? '–' : `${part.lastConsumeMs.toFixed(1)} ms`}
                    </td>
                  </tr>`,
              )
            : [
                html`<tr>
                  <td>${g.id}</td>
                  <td>${g.state}</td>
                  <td colspan="5" class="muted">no partitions assigned</td>
                </tr>`,
              ],
        )}
      </table>`,
  );
}
