import { ago, html } from '../html.js';
import type { ErrorReport } from '../../tracking/process-report.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/**
 * Errors: newest first, with the stack and a link to the explorer: the message when the error
 * carries its offset, else the partition from the first offset the failed call had not
 * processed (its messages start there).
 */
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
                        ? html`${e.group ?? ''} ${e.consumer ?? ''}<br />${whereLink(ctx, e)}`
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

function whereLink(ctx: PageContext, e: ErrorReport) {
  const partitionHref = `${ctx.base}/explorer/${encodeURIComponent(e.kafkaTopic ?? e.topic!)}${e.partition === undefined ? '' : `/${e.partition}`}`;
  if (e.partition !== undefined && e.offset !== undefined) {
    return html`<a class="error-message-link" href="${partitionHref}/${e.offset}"
      >${e.topic}/${e.partition}@${e.offset}</a
    >`;
  }
  if (e.partition !== undefined && e.retryFrom !== undefined) {
    return html`<a class="error-message-link" href="${partitionHref}?offset=${e.retryFrom}"
      >${e.topic}/${e.partition} from @${e.retryFrom}</a
    >`;
  }
  return html`<a href="${partitionHref}"
    >${e.topic}${e.partition === undefined ? '' : `/${e.partition}`}</a
  >`;
}
