import { html, type SafeHtml } from '../html.js';
import type { WebState } from '../web-state.js';
import { layout, type PageContext } from './layout.js';

/**
 * Routing: the route table and the flow (what each consumed topic produces to), as a diagram
 * when `@dagrejs/dagre` is installed (`diagram`), always as text and as Mermaid source.
 */
export function routingPage(
  ctx: PageContext,
  state: WebState,
  diagram: { svg?: SafeHtml; mermaid: string },
): string {
  const routes = state.routes(ctx.now);
  const flow = [...routes]
    .sort((a, b) => a.topic.localeCompare(b.topic))
    .map((route) => {
      const targets = [
        ...route.responds.map(
          (r) =>
            `  - ${r.topic}: (${r.required ? 'always' : 'conditionally'}, ${r.multiple ? 'one or more' : 'exactly once'})`,
        ),
        ...(route.deadLetterTopic ? [`  - ${route.deadLetterTopic}: (dead letters)`] : []),
      ];
      return targets.length
        ? `${route.topic} =>\n${targets.join('\n')}`
        : `${route.topic} => (nothing)`;
    })
    .join('\n');
  return layout(
    ctx,
    'routing',
    'Routing',
    html`<table>
        <tr>
          <th>consumer group</th>
          <th>topic</th>
          <th>topic in Kafka</th>
          <th>consumer</th>
          <th>mode</th>
          <th>responds to</th>
          <th>dead letters</th>
        </tr>
        ${routes.map(
          (r) =>
            html`<tr>
              <td>${r.group}</td>
              <td>
                <a href="${ctx.base}/explorer/${encodeURIComponent(r.kafkaTopic)}">${r.topic}</a>
              </td>
              <td>${r.kafkaTopic}</td>
              <td>${r.consumer}</td>
              <td>${r.batch ? 'batch' : 'single'}</td>
              <td>${r.responds.map((x) => x.topic).join(', ') || '–'}</td>
              <td>
                ${r.deadLetterTopic ? html`<a href="${ctx.base}/dead-letters/${encodeURIComponent(r.deadLetterTopic)}">${r.deadLetterTopic}</a>` : '–'}
              </td>
            </tr>`,
        )}
      </table>
      <h2>Flow</h2>
      ${
        !routes.length
          ? ''
          : diagram.svg
            ? html`<div class="flow-wrap">${diagram.svg}</div>`
            : html`<p class="muted" id="flow-no-diagram">
                <code>npm install @dagrejs/dagre</code> next to the app draws this flow as a
                diagram.
              </p>`
      }
      <pre class="flow" id="flow">${flow || '(no routes reported)'}</pre>
      ${
        routes.length
          ? html`<details>
              <summary>As Mermaid</summary>
              <pre class="flow" id="flow-mermaid">${diagram.mermaid}</pre>
            </details>`
          : ''
      }`,
  );
}
