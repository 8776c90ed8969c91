import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../lib/web/ui/html.js';
import { payloadPreview, showPayload } from '../../lib/web/ui/pages/payload-view.js';

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
