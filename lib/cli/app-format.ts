import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { ModuleFormat } from '../utils/module-file.js';

/**
 * The module format of the app the CLI runs in, so that `bin/karafka.js` loads the same build
 * of nestjs-karafka as the app's own `require`/`import` does (two builds in one process are two
 * sets of classes and DI tokens). A boot file named `.cjs`/`.mjs` decides; otherwise the `type`
 * of the nearest package.json, as Node decides for `.js` files.
 */
export function appFormat(argv: readonly string[], cwd = process.cwd()): ModuleFormat {
  const boot = bootOption(argv);
  const extension = boot ? extname(boot) : '';
  if (extension === '.cjs' || extension === '.cts') return 'commonjs';
  if (extension === '.mjs' || extension === '.mts') return 'module';
  for (let dir = resolve(cwd, boot ? dirname(boot) : '.'); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const { type } = JSON.parse(readFileSync(candidate, 'utf8')) as { type?: unknown };
        return type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'module'; // a broken package.json is reported by the command that reads it
      }
    }
    if (dirname(dir) === dir) return 'module';
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
