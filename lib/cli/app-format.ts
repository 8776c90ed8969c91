import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { ModuleFormat } from '../utils/module-file.js';

interface PackageJson {
  type?: unknown;
  karafka?: { boot?: unknown };
}

/**
 * The module format of the app's boot file, so that `bin/karafka.js` loads the same build of
 * nestjs-karafka as the app's own `require`/`import` does (two builds in one process are two
 * sets of classes). Decided as Node decides it: a `.cjs`/`.mjs` extension, otherwise the `type`
 * of the package.json nearest to the boot file (`--boot`, else `"karafka.boot"`, else cwd).
 */
export function appFormat(argv: readonly string[], cwd = process.cwd()): ModuleFormat {
  let boot = bootOption(argv);
  if (boot) boot = resolve(cwd, boot);
  else {
    const found = nearestPackageJson(cwd);
    const configured = found?.json.karafka?.boot;
    if (found && typeof configured === 'string') boot = resolve(dirname(found.path), configured);
  }
  const extension = boot ? extname(boot) : '';
  if (extension === '.cjs') return 'commonjs';
  if (extension === '.mjs') return 'module';
  const owner = nearestPackageJson(boot ? dirname(boot) : cwd);
  return owner?.json.type === 'module' || !owner ? 'module' : 'commonjs';
}

function nearestPackageJson(from: string): { path: string; json: PackageJson } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        return { path, json: JSON.parse(readFileSync(path, 'utf8')) as PackageJson };
      } catch {
        return undefined; // a broken package.json is reported by the command that reads it
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function bootOption(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-b' || arg === '--boot') return argv[i + 1];
    if (arg.startsWith('--boot=')) return arg.slice('--boot='.length);
  }
  return undefined;
}
