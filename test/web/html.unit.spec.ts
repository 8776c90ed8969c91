import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../lib/web/ui/html.js';
import {
  decodedPreview,
  payloadPreview,
  showDecoded,
  showPayload,
} from '../../lib/web/ui/pages/payload-view.js';

describe('HTML of the web UI', () => {
  it('escapes every interpolated value, in text and attributes, unless it is markup built by html``', () => {
    const hostile = `<script>x</script>"><img onerror='y'>\``;
    const out = html`<a title="${hostile}">${hostile}</a>${html`<b>${hostile}</b>`}${[hostile, 1]}`
      .value;
    expect(out).not.toMatch(/<script|<img|"><|'y'/);
    expect(out).toContain(escapeHtml(hostile));
    expect(out).toContain('<b>&lt;script&gt;');
    expect(out.endsWith(`${escapeHtml(hostile)}1`)).toBe(true);
  });
});

describe('payloads in the explorer', () => {
  it('pretty-prints JSON, shows text as is and binary as a hex dump', () => {
    expect(showPayload(Buffer.from('{"a":[1]}'), 'pretty')).toMatchObject({
      kind: 'json',
      text: '{\n  "a": [\n    1\n  ]\n}',
    });
    expect(showPayload(Buffer.from('{"a":[1]}'), 'raw').text).toBe('{"a":[1]}');
    expect(showPayload(Buffer.from('plain text'), 'pretty')).toMatchObject({
      kind: 'text',
      text: 'plain text',
    });
    const binary = showPayload(Buffer.from([0, 1, 2, 0xff, 0x41]), 'pretty');
    expect(binary.kind).toBe('binary');
    expect(binary.text).toBe(`00000000  ${'00 01 02 ff 41'.padEnd(47)}  ....A`);
    expect(showPayload(null, 'pretty').kind).toBe('null');
  });

  it('truncates large payloads to 64 KB and previews to one short line', () => {
    const large = showPayload(Buffer.alloc(100_000, 'a'), 'pretty');
    expect(large.truncated).toBe(true);
    expect(large.text).toHaveLength(64 * 1024);
    expect(payloadPreview(Buffer.from('x\n'.repeat(200)), 10)).toBe('x x x x x …');
  });
});

describe('payloads decoded by a route’s deserializer', () => {
  it('shows objects as pretty JSON (bigints as text), strings as is, bytes as a hex dump', () => {
    expect(showDecoded({ id: 12n, tags: ['a'] }).text).toBe(
      '{\n  "id": "12",\n  "tags": [\n    "a"\n  ]\n}',
    );
    expect(showDecoded('just text')).toMatchObject({ text: 'just text', truncated: false });
    expect(showDecoded(Buffer.from([0, 0x41])).text).toBe(`00000000  ${'00 41'.padEnd(47)}  .A`);
    expect(showDecoded(null).text).toBe('null');
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(showDecoded(cyclic).text).toBe('[object Object]');
  });

  it('truncates large decoded values to 64 KB and previews them on one line', () => {
    const large = showDecoded({ text: 'a'.repeat(100_000) });
    expect(large.truncated).toBe(true);
    expect(large.text).toHaveLength(64 * 1024);
    expect(decodedPreview({ a: 1, b: 'two' })).toBe('{ "a": 1, "b": "two" }');
  });
});
