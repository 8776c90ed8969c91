import {
  consumerImport,
  KARAFKA_IMPORT,
  karafkaModuleCall,
  type ImportSuffix,
} from './install-templates.js';

export type AppModuleEdit =
  | { kind: 'edited'; source: string }
  | { kind: 'already' }
  /** Not a shape we edit safely: `lines` are what the user should add by hand. */
  | { kind: 'manual'; reason: string; lines: string[] };

/**
 * Adds KarafkaModule.forRoot(...) to `imports` and ExampleConsumer to `providers` of the one
 * `@Module({...})` in the file, by a textual edit. Only the standard shape is touched: exactly
 * one `@Module({`, at most one `imports: [` and one `providers: [` (or none, then the key is
 * added). Anything else gets the lines printed instead: a wrong guess in someone's root module
 * costs more than typing three lines.
 */
export function editAppModule(
  source: string,
  clientId: string,
  suffix: ImportSuffix = '.js',
): AppModuleEdit {
  if (/\bKarafkaModule\b/.test(source)) return { kind: 'already' };
  const manual = (reason: string): AppModuleEdit => ({
    kind: 'manual',
    reason,
    lines: manualLines(clientId, suffix),
  });
  const decorators = [...source.matchAll(/@Module\(\s*\{/g)];
  if (decorators.length !== 1) {
    return manual(
      decorators.length
        ? 'it has more than one @Module({...})'
        : 'it has no @Module({...}) literal',
    );
  }
  const start = decorators[0]!.index! + decorators[0]![0].length;
  const end = matchingBrace(source, start - 1);
  if (end === undefined) return manual('its @Module({...}) could not be parsed');
  const body = source.slice(start, end);
  const imports = [...body.matchAll(/\bimports\s*:\s*\[/g)];
  const providers = [...body.matchAll(/\bproviders\s*:\s*\[/g)];
  if (imports.length > 1 || (!imports.length && /\bimports\b/.test(body))) {
    return manual('its imports are not a plain array literal');
  }
  if (providers.length > 1 || (!providers.length && /\bproviders\b/.test(body))) {
    return manual('its providers are not a plain array literal');
  }

  // Edits are applied from the end of the file backwards so earlier offsets stay valid.
  const edits: Edit[] = [];
  if (imports[0]) {
    edits.push(
      arrayEdit(
        source,
        start + imports[0].index! + imports[0][0].length,
        karafkaModuleCall(clientId),
      ),
    );
  }
  if (providers[0]) {
    edits.push(
      arrayEdit(source, start + providers[0].index! + providers[0][0].length, ['ExampleConsumer,']),
    );
  }
  const newKeys = [
    ...(imports.length ? [] : ['imports: [', ...indent(karafkaModuleCall(clientId)), '],']),
    ...(providers.length ? [] : ['providers: [ExampleConsumer],']),
  ];
  if (newKeys.length) {
    const lead = /^[ \t]*/.exec(body)![0].length;
    const after = !body.trim() ? '\n' : body[lead] === '\n' ? '' : '\n  ';
    const text =
      indent(newKeys)
        .map((line) => `\n${line}`)
        .join('') + after;
    edits.push({ at: start, remove: body[lead] === '\n' ? 0 : lead, text });
  }
  edits.push({
    at: endOfImports(source),
    remove: 0,
    text: `${KARAFKA_IMPORT}\n${consumerImport(suffix)}\n`,
  });

  let edited = source;
  for (const { at, remove, text } of edits.sort((x, y) => y.at - x.at)) {
    edited = edited.slice(0, at) + text + edited.slice(at + remove);
  }
  return { kind: 'edited', source: edited };
}

export function manualLines(clientId: string, suffix: ImportSuffix = '.js'): string[] {
  return [
    KARAFKA_IMPORT,
    consumerImport(suffix),
    '',
    '@Module({',
    '  imports: [',
    ...karafkaModuleCall(clientId).map((line) => `    ${line}`),
    '    // ...your other imports',
    '  ],',
    '  providers: [ExampleConsumer /* , ...your other providers */],',
    '})',
  ];
}

interface Edit {
  at: number;
  /** Characters replaced at `at`. */
  remove: number;
  text: string;
}

/**
 * Adds items at the start of the array whose `[` ends just before `at`, in the array's style:
 * a one-line array of one-line items stays on one line, a multi-line array gets the items on
 * their own lines, indented one level below the key.
 */
function arrayEdit(source: string, at: number, items: string[]): Edit {
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  const keyIndent = /^[ \t]*/.exec(source.slice(lineStart, at))![0];
  const close = matchingBracket(source, at - 1);
  const lineEnd = source.indexOf('\n', at) < 0 ? source.length : source.indexOf('\n', at);
  const content =
    close !== undefined && close < lineEnd ? source.slice(at, close).trim() : undefined;
  if (content !== undefined && items.length === 1) {
    const item = items[0]!.replace(/,$/, '');
    return { at, remove: close! - at, text: content ? `${item}, ${content}` : item };
  }
  const block = items.map((line) => `\n${keyIndent}  ${line}`).join('');
  if (content === undefined) return { at, remove: 0, text: block };
  // A one-line array rewritten over several lines: its items stay together on one line.
  const rest = content ? `\n${keyIndent}  ${content.replace(/,$/, '')},` : '';
  return { at, remove: close! - at, text: `${block}${rest}\n${keyIndent}` };
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** Offset just after the last top-level `import ... ;` line (0 when there is none). */
function endOfImports(source: string): number {
  let end = 0;
  for (const match of source.matchAll(/^import\s[^;]*;[^\n]*\n?/gm)) {
    end = match.index! + match[0].length;
  }
  return end;
}

function matchingBrace(source: string, open: number): number | undefined {
  return matching(source, open, '{', '}');
}

function matchingBracket(source: string, open: number): number | undefined {
  return matching(source, open, '[', ']');
}

/** Index of the bracket closing the one at `open`, skipping strings and comments. */
function matching(
  source: string,
  open: number,
  opener: string,
  closer: string,
): number | undefined {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const char = source[i]!;
    if (char === '"' || char === "'" || char === '`') {
      i = skipString(source, i);
    } else if (source.startsWith('//', i)) {
      i = source.indexOf('\n', i);
      if (i < 0) return undefined;
    } else if (source.startsWith('/*', i)) {
      i = source.indexOf('*/', i);
      if (i < 0) return undefined;
    } else if (char === opener) {
      depth++;
    } else if (char === closer && --depth === 0) {
      return i;
    }
  }
  return undefined;
}

function skipString(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i;
  }
  return source.length;
}
