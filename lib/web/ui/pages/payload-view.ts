/** Bytes shown of a payload on the message page; the rest is cut, never sent to the browser. */
export const MAX_SHOWN_BYTES = 64 * 1024;

export type PayloadView = 'pretty' | 'raw' | 'hex';

/** A payload as text for the page: JSON pretty-printed, text as is, binary as hex. Truncated. */
export function showPayload(
  value: Buffer | null,
  view: PayloadView,
): { text: string; kind: string; truncated: boolean } {
  if (value === null) return { text: '(null: a tombstone)', kind: 'null', truncated: false };
  const truncated = value.length > MAX_SHOWN_BYTES;
  const shown = truncated ? value.subarray(0, MAX_SHOWN_BYTES) : value;
  const text = shown.toString('utf8');
  const binary = text.includes('\uFFFD') || hasControlBytes(shown);
  if (view === 'hex' || (binary && view !== 'raw')) {
    return { text: hexDump(shown), kind: binary ? 'binary' : 'text', truncated };
  }
  if (view === 'pretty' && !truncated) {
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2), kind: 'json', truncated };
    } catch {
      // not JSON: shown as text
    }
  }
  return { text, kind: 'text', truncated };
}

/** One line for a list: the start of the payload. */
export function payloadPreview(value: Buffer | null, max = 120): string {
  if (value === null) return '(null)';
  const { text } = showPayload(value.subarray(0, max * 4), 'raw');
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/**
 * A value decoded by a route's deserializer as text for the page: bytes as a hex dump, text as
 * is, anything else as pretty JSON (bigints as strings). Truncated like raw payloads.
 */
export function showDecoded(value: unknown): { text: string; kind: string; truncated: boolean } {
  if (value === null || value === undefined) {
    return { text: String(value), kind: 'decoded', truncated: false };
  }
  if (Buffer.isBuffer(value)) {
    const truncated = value.length > MAX_SHOWN_BYTES;
    return {
      text: hexDump(truncated ? value.subarray(0, MAX_SHOWN_BYTES) : value),
      kind: 'decoded bytes',
      truncated,
    };
  }
  let text: string;
  try {
    text =
      typeof value === 'string'
        ? value
        : (JSON.stringify(
            value,
            (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
            2,
          ) ?? String(value));
  } catch {
    // A cycle: what the value's toString says is the best there is.
    text = String(value);
  }
  const truncated = text.length > MAX_SHOWN_BYTES;
  return { text: truncated ? text.slice(0, MAX_SHOWN_BYTES) : text, kind: 'decoded', truncated };
}

/** One line for a list: the start of a decoded value. */
export function decodedPreview(value: unknown, max = 120): string {
  const oneLine = showDecoded(value)
    .text.slice(0, max * 4)
    .replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

function hexDump(value: Buffer): string {
  const lines: string[] = [];
  for (let i = 0; i < value.length; i += 16) {
    const chunk = value.subarray(i, i + 16);
    const hex = [...chunk].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...chunk]
      .map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.'))
      .join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

/** Control bytes other than tab/newline/carriage return mean binary, not text. */
function hasControlBytes(value: Buffer): boolean {
  for (const byte of value) {
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13) return true;
  }
  return false;
}
