// @ts-check
// The package's public entry points, read from package.json "exports" each time so that the docs
// checks follow whatever subpaths the package has (`.`, `./testing`, ...) without a list to update.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {object} EntryPoint
 * @property {string} specifier what users import: `nestjs-karafka`, `nestjs-karafka/testing`
 * @property {string} source the TypeScript file under lib/ that the subpath is built from
 */

/** @returns {EntryPoint[]} */
export function entryPoints(root = REPO) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  /** @type {EntryPoint[]} */
  const found = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? { '.': pkg.types })) {
    const types = declarationFile(target);
    if (!types) continue; // ./package.json and other non-code exports
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
    found.push({ specifier, source: sourceOf(root, types) });
  }
  return found;
}

/** The first `.d.ts` / `.d.mts` / `.d.cts` path in an exports target, however nested. */
function declarationFile(/** @type {unknown} */ target) {
  if (typeof target === 'string') return /\.d\.[cm]?ts$/.test(target) ? target : undefined;
  if (target && typeof target === 'object') {
    for (const value of Object.values(target)) {
      const found = declarationFile(value);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * `./dist/lib/testing/index.d.ts` -> `<root>/lib/testing/index.ts`: drops leading folders of the
 * build output (dist/, dist/esm/, ...) until the path names a source file.
 */
function sourceOf(/** @type {string} */ root, /** @type {string} */ types) {
  const parts = types
    .replace(/^\.\//, '')
    .replace(/\.d\.[cm]?ts$/, '.ts')
    .split('/');
  for (let start = 0; start < parts.length; start++) {
    const candidate = join(root, ...parts.slice(start));
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`package.json exports ${types}, but no source file under lib/ matches it`);
}
