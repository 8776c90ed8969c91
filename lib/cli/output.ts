/** Small text helpers shared by the commands. Everything goes to stdout unless said otherwise. */

export const MASK = '***';

/** Keys whose values are secrets anywhere in the config. */
const SECRET_ANYWHERE = /password|passphrase|secret|token|credential/i;
/** Inside `ssl` and `sasl`, keys, certificates and CAs are secrets too. */
const SECRET_IN_TLS_OR_SASL = /password|passphrase|secret|token|credential|key|cert|^ca$|pfx|crl/i;

/**
 * A copy of `value` fit to print: secrets masked, functions and class instances named,
 * Buffers never dumped.
 */
export function masked(value: unknown, path: readonly string[] = []): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'function') return describeFunction(value);
  if (Buffer.isBuffer(value)) return MASK;
  if (Array.isArray(value)) return value.map((item) => masked(item, path));
  if (typeof value !== 'object') return value;
  if (!isPlainObject(value)) return `${value.constructor.name} instance`;
  const inTlsOrSasl = path.some((segment) => segment === 'ssl' || segment === 'sasl');
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secret = (inTlsOrSasl ? SECRET_IN_TLS_OR_SASL : SECRET_ANYWHERE).test(key);
    result[key] =
      secret && item !== undefined && item !== null ? MASK : masked(item, [...path, key]);
  }
  return result;
}

/** `{ a: { b: 1 }, c: [1, 2] }` -> `[['a.b', '1'], ['c', '1, 2']]`, for aligned printing. */
export function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (isPlainObject(value) && Object.keys(value).length) {
    return Object.entries(value).flatMap(([key, item]) =>
      flatten(item, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [[prefix, formatScalar(value)]];
}

export function formatScalar(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatScalar).join(', ') || '[]';
  if (isPlainObject(value)) return JSON.stringify(value);
  if (typeof value === 'string') return value;
  return String(value);
}

/** Rows of cells, columns padded to their widest cell; trailing spaces trimmed. */
export function table(rows: ReadonlyArray<readonly string[]>, indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  }
  return rows
    .map((row) =>
      (indent + row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ')).trimEnd(),
    )
    .join('\n');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeFunction(value: object): string {
  const name = (value as { name?: string }).name;
  const source = Function.prototype.toString.call(value);
  if (source.startsWith('class')) return name ? `class ${name}` : 'class';
  return name ? `function ${name}` : 'function';
}
