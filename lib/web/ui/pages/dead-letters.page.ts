import { html } from '../html.js';
import type { ReadMessage } from '../topic-reader.js';
import { layout, postForm, type PageContext } from './layout.js';
import { payloadPreview } from './payload-view.js';

/** Dead letters: every dead-letter topic of the routes with its unread count. */
export function deadLettersPage(
  ctx: PageContext,
  topics: Array<{ topic: string; routes: string[]; unread: number; total: number }>,
): string {
  return layout(
    ctx,
    'dead-letters',
    'Dead letters',
    topics.length
      ? html`<table>
          <tr>
            <th>dead letter topic</th>
            <th>routes</th>
            <th class="n">unread</th>
            <th class="n">total</th>
          </tr>
          ${topics.map(
            (t) =>
              html`<tr>
                <td>
                  <a href="${ctx.base}/dead-letters/${encodeURIComponent(t.topic)}">${t.topic}</a>
                </td>
                <td>${t.routes.join(', ')}</td>
                <td class="n">${t.unread}</td>
                <td class="n">${t.total}</td>
              </tr>`,
          )}
        </table>`
      : html`<p class="muted">No route has a dead letter topic.</p>`,
  );
}

/** One dead-letter topic: its unread messages with where they came from and why. */
export function deadLetterTopicPage(
  ctx: PageContext,
  topic: string,
  messages: ReadMessage[],
): string {
  return layout(
    ctx,
    'dead-letters',
    `Dead letters: ${topic}`,
    html`<p class="muted">
        Unread messages (skip marks a message and those before it in its partition read; replay
        produces it to its original topic and marks it read).
      </p>
      <table>
        <tr>
          <th>message</th>
          <th>original</th>
          <th>error</th>
          <th>payload</th>
          ${ctx.readOnly ? '' : html`<th></th>`}
        </tr>
        ${messages.map((m) => {
          const h = m.headers;
          return html`<tr class="dead-letter-row">
            <td>
              <a href="${ctx.base}/explorer/${encodeURIComponent(topic)}/${m.partition}/${m.offset}"
                >${m.partition} @ ${m.offset}</a
              >
            </td>
            <td>
              ${h.karafka_original_topic ?? '?'} / ${h.karafka_original_partition ?? '?'} @
              ${h.karafka_original_offset ?? '?'}<br /><span class="muted"
                >${h.karafka_original_consumer_group ?? ''}, ${h.karafka_attempts ?? '?'}
                attempts</span
              >
            </td>
            <td>${h.karafka_error ?? ''}</td>
            <td>${payloadPreview(m.value)}</td>
            ${
              ctx.readOnly
                ? ''
                : html`<td>
                    ${postForm(ctx, `dead-letters/${encodeURIComponent(topic)}/replay`, { partition: m.partition, offset: m.offset }, 'Replay')}
                    ${postForm(ctx, `dead-letters/${encodeURIComponent(topic)}/skip`, { partition: m.partition, offset: m.offset }, 'Skip')}
                  </td>`
            }
          </tr>`;
        })}
      </table>
      ${messages.length ? '' : html`<p class="muted">Nothing unread.</p>`}`,
  );
}
