import { ago, bytes, html, num } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/** Processes: each with its groups and partitions and their states; stale ones marked. */
export function processesPage(ctx: PageContext, state: WebState): string {
  const processes = state.processes();
  return layout(
    ctx,
    'processes',
    'Processes',
    processes.length
      ? html`${processes.map((p) => {
          const stale = state.isStale(p, ctx.now);
          return html`<h2 class="${stale ? 'stale' : ''}" id="process-${p.id}">
              ${p.id}
              ${stale ? html`<span class="tag err">stale</span>` : html`<span class="tag">${p.status}</span>`}
            </h2>
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
            <table>
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
            </table>`;
        })}`
      : html`<p class="muted">
          No process has reported yet. Processes report every few seconds once
          <code>KarafkaWebModule</code> is imported next to <code>KarafkaModule</code>.
        </p>`,
  );
}
