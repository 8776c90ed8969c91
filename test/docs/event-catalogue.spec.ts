import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { KARAFKA_EVENT_NAMES } from '../../lib/instrumentation/karafka-events.js';
import { REPO } from '../../scripts/entry-points.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

/**
 * The backticked dotted names in the first column of every Markdown table whose header's first
 * cell matches `header`: `| \`app.stopping\` / \`app.stopped\` | ...` gives both names.
 */
function documentedNames(markdown: string, header: RegExp): Set<string> {
  const names = new Set<string>();
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const first = line.split(/(?<!\\)\|/)[1]!.trim();
    if (!inTable) {
      inTable = header.test(first);
      continue;
    }
    for (const [, name] of first.matchAll(/`([a-z_]+(?:\.[a-z_]+)+)`/g)) names.add(name!);
  }
  return names;
}

/**
 * The members of `error.occurred`'s `type`, read from the declaration with the TypeScript
 * checker: a type added to the union shows up here without a list to maintain.
 */
function errorTypes(): string[] {
  const file = join(REPO, 'lib/instrumentation/karafka-events.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const events = source.statements.find(
    (node): node is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(node) && node.name.text === 'KarafkaEvents',
  )!;
  const errorEvent = checker.getTypeAtLocation(events).getProperty('error.occurred')!;
  const typeProperty = checker.getTypeOfSymbol(errorEvent).getProperty('type')!;
  const union = checker.getTypeOfSymbol(typeProperty);
  return (union.isUnion() ? union.types : [union]).map((member) => {
    if (!member.isStringLiteral()) throw new Error('error.occurred type is not a string literal');
    return member.value;
  });
}

describe('README event catalogue', () => {
  it('documents every event the monitor knows, and no other', () => {
    const documented = documentedNames(README, /^event$/);
    expect([...documented].sort()).toEqual([...KARAFKA_EVENT_NAMES].sort());
  });

  it('documents every error.occurred type, and no other', () => {
    const types = errorTypes();
    expect(types.length).toBeGreaterThan(10);
    const documented = documentedNames(README, /^`error\.occurred` type$/);
    expect([...documented].sort()).toEqual([...types].sort());
  });

  it('notices an event missing from the tables', () => {
    const without = README.replace(/^\| `responder\.responded` .*\n/m, '');
    expect(documentedNames(without, /^event$/).has('responder.responded')).toBe(false);
    expect(documentedNames(README, /^event$/).has('responder.responded')).toBe(true);
  });
});
