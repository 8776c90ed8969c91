import { ago, html } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/** Errors: newest first, with the stack and a link to the partition in the explorer. */
export function errorsPage(ctx: PageContext, state: WebState, limit = 100): string {
  const errors = state.errors().slice(0, limit);
  return layout(
    ctx,
    'errors',
    'Errors',
    errors.length
      ? html`<table>
            <tr>
              <th>when</th>
              <th>type</th>
              <th>error</th>
              <th>where</th>
              <th>process</th>
            </tr>
            ${errors.map(
              (e) =>
                html`<tr class="error-row">
                  <td>
                    ${ago(ctx.now, e.at)}<br /><span class="muted"
                      >${new Date(e.at).toISOString()}</span
                    >
                  </td>
                  <td>${e.type}</td>
                  <td>
                    <b>${e.errorClass}</b>:
                    ${e.message}${
                      e.stack
                        ? html`<details>
                            <summary>stack</summary>
                            <pre>${e.stack}</pre>
                          </details>`
                        : ''
                    }
                  </td>
                  <td>
                    ${
                      e.topic !== undefined
                        ? html`${e.group ?? ''} ${e.consumer ?? ''}<br /><a
                              href="${ctx.base}/explorer/${encodeURIComponent(e.kafkaTopic ?? e.topic)}${e.partition === undefined ? '' : `/${e.partition}`}${e.offset === undefined ? '' : `/${e.offset}`}"
                              >${e.topic}${e.partition === undefined ? '' : `/${e.partition}`}${e.offset === undefined ? '' : `@${e.offset}`}</a
                            >`
                        : '–'
                    }
                  </td>
                  <td>${e.process}</td>
                </tr>`,
            )}
          </table>
          ${state.errors().length > limit ? html`<p class="muted">Showing the newest ${limit}.</p>` : ''}`
      : html`<p class="muted">No errors reported.</p>`,
  );
}
