import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { thisModuleFile } from './module-file.js';

let cached: string | undefined;

/**
 * The folder of nestjs-karafka's own package.json. Files shipped beside the code (the dev
 * broker's pom.xml) are found from here, whether we run from `lib/` (tests), `dist/lib/` (ESM) or `dist/cjs/` (CommonJS).
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(thisModuleFile());
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'nestjs-karafka') return (cached = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('nestjs-karafka: cannot find its own package.json');
    dir = parent;
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
