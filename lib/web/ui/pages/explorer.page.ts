import { html, num } from '../html.js';
import type { PartitionRange, ReadMessage } from '../topic-reader.js';
import { layout, type PageContext } from './layout.js';
import type { PayloadDecoding } from '../payload-decoder.js';
import { payloadPreview, showDecoded, showPayload, type PayloadView } from './payload-view.js';

/** Explorer: the topics of the cluster. */
export function explorerTopicsPage(
  ctx: PageContext,
  topics: Array<{ name: string; partitions: number }>,
): string {
  return layout(
    ctx,
    'explorer',
    'Explorer',
    html`<table>
      <tr>
        <th>topic</th>
        <th class="n">partitions</th>
      </tr>
      ${topics.map(
        (t) =>
          html`<tr>
            <td><a href="${ctx.base}/explorer/${encodeURIComponent(t.name)}">${t.name}</a></td>
            <td class="n">${t.partitions}</td>
          </tr>`,
      )}
    </table>`,
  );
}

/** Explorer: the partitions of a topic with their offsets. */
export function explorerTopicPage(
  ctx: PageContext,
  topic: string,
  ranges: PartitionRange[],
): string {
  return layout(
    ctx,
    'explorer',
    `Explorer: ${topic}`,
    html`<table>
      <tr>
        <th class="n">partition</th>
        <th class="n">low</th>
        <th class="n">high watermark</th>
        <th class="n">messages</th>
      </tr>
      ${ranges.map(
        (r) =>
          html`<tr>
            <td class="n">
              <a href="${ctx.base}/explorer/${encodeURIComponent(topic)}/${r.partition}"
                >${r.partition}</a
              >
            </td>
            <td class="n">${r.low}</td>
            <td class="n">${r.high}</td>
            <td class="n">${num(Number(BigInt(r.high) - BigInt(r.low)))}</td>
          </tr>`,
      )}
    </table>`,
  );
}

/** Explorer: messages of a partition from an offset (or a time), with a form to jump. */
export function explorerPartitionPage(
  ctx: PageContext,
  topic: string,
  range: PartitionRange,
  from: bigint,
  messages: ReadMessage[],
  pageSize: number,
  /** Payload previews decoded by the route's deserializer, by offset (raw ones otherwise). */
  previews: ReadonlyMap<string, string> = new Map(),
): string {
  const base = `${ctx.base}/explorer/${encodeURIComponent(topic)}/${range.partition}`;
  const previous =
    from - BigInt(pageSize) < BigInt(range.low) ? BigInt(range.low) : from - BigInt(pageSize);
  const next = from + BigInt(pageSize);
  return layout(
    ctx,
    'explorer',
    `Explorer: ${topic} / ${range.partition}`,
    html`<p class="muted">offsets ${range.low} to ${BigInt(range.high) - 1n}</p>
      <form method="get" action="${base}">
        from offset <input name="offset" size="10" value="${from.toString()}" /> or time
        <input name="time" type="datetime-local" step="1" /> <button type="submit">Go</button>
      </form>
      <table>
        <tr>
          <th class="n">offset</th>
          <th>timestamp</th>
          <th>key</th>
          <th>payload</th>
        </tr>
        ${messages.map(
          (m) =>
            html`<tr class="message-row">
              <td class="n"><a href="${base}/${m.offset}">${m.offset}</a></td>
              <td>${new Date(Number(m.timestamp)).toISOString()}</td>
              <td>${payloadPreview(m.key, 40)}</td>
              <td>${previews.get(m.offset) ?? payloadPreview(m.value)}</td>
            </tr>`,
        )}
      </table>
      ${messages.length ? '' : html`<p class="muted">No messages from this offset.</p>`}
      <p>
        <a href="${base}?offset=${previous.toString()}">« previous</a> ·
        <a href="${base}?offset=${next.toString()}">next »</a>
      </p>`,
  );
}

/**
 * Explorer: one message with key, headers, timestamp and the payload: decoded by the route's
 * deserializer when a route of the app consumes the topic (JSON pretty-printed otherwise), or
 * raw, or hex. A payload the deserializer rejects is shown raw, with the reason.
 */
export function explorerMessagePage(
  ctx: PageContext,
  message: ReadMessage,
  view: PayloadView,
  decoding: PayloadDecoding | undefined,
  /** Whether this UI knows the app's routes (the Nest module) or not (standalone). */
  routesKnown: boolean,
): string {
  const base = `${ctx.base}/explorer/${encodeURIComponent(message.topic)}/${message.partition}/${message.offset}`;
  const decoded = view === 'pretty' && decoding && decoding.error === undefined;
  const payload = decoded ? showDecoded(decoding.value) : showPayload(message.value, view);
  const note =
    view !== 'pretty'
      ? ''
      : !decoding
        ? html`<p class="muted" id="decode-note">
            ${
              routesKnown
                ? `Not decoded: no route of this app consumes ${message.topic}`
                : 'Not decoded: the standalone UI has no routes and their deserializers'
            }
            (shown as JSON, text or hex).
          </p>`
        : decoding.error !== undefined
          ? html`<p class="bad" id="decode-note">
              ${decoding.decodedBy} could not decode it: ${decoding.error}. Shown raw.
            </p>`
          : html`<p class="muted" id="decode-note">Decoded by ${decoding.decodedBy}.</p>`;
  return layout(
    ctx,
    'explorer',
    `${message.topic} / ${message.partition} @ ${message.offset}`,
    html`<table>
        <tr>
          <th>timestamp</th>
          <td>${new Date(Number(message.timestamp)).toISOString()}</td>
        </tr>
        <tr>
          <th>key</th>
          <td id="message-key">${payloadPreview(message.key, 500)}</td>
        </tr>
        <tr>
          <th>size</th>
          <td>
            ${message.value === null ? 'null' : `${num(message.value.length)} bytes`}
            (${payload.kind})
          </td>
        </tr>
      </table>
      <h2>Headers</h2>
      <table id="message-headers">
        <tr>
          <th>name</th>
          <th>value</th>
        </tr>
        ${Object.entries(message.headers).map(
          ([name, value]) =>
            html`<tr>
              <td>${name}</td>
              <td>${value}</td>
            </tr>`,
        )}
      </table>
      <h2>Payload</h2>
      <p>
        ${(['pretty', 'raw', 'hex'] as const).map((v) => (v === view ? html`<b>${v}</b> ` : html`<a href="${base}?view=${v}">${v}</a> `))}${payload.truncated ? html`<span class="tag warn">truncated to 64 KB</span>` : ''}
      </p>
      ${note}
      <pre id="payload">${payload.text}</pre>
      <p>
        <a
          href="${ctx.base}/explorer/${encodeURIComponent(message.topic)}/${message.partition}?offset=${message.offset}"
          >« partition</a
        >
      </p>`,
  );
}
