import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import type { ImportSuffix, TestFramework } from './install-templates.js';

export interface ProjectPackageJson {
  name?: string;
  type?: string;
  karafka?: { boot?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** What `karafka install` writes depends on: module format, test runner, where tsc emits. */
export interface ProjectStyle {
  format: 'commonjs' | 'module';
  /** `.js` in ESM apps, nothing in CommonJS apps, like the rest of a `nest new` project. */
  importSuffix: ImportSuffix;
  testFramework: TestFramework;
  /** The build of src/karafka.ts, relative to the project root, e.g. `dist/karafka.js`. */
  bootFile: string;
}

export function projectStyle(root: string, pkg: ProjectPackageJson): ProjectStyle {
  const format = pkg.type === 'module' ? 'module' : 'commonjs';
  return {
    format,
    importSuffix: format === 'module' ? '.js' : '',
    testFramework: testFramework(pkg),
    bootFile: bootFileOf(root),
  };
}

function testFramework(pkg: ProjectPackageJson): TestFramework {
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  if ('vitest' in deps) return 'vitest';
  if ('jest' in deps) return 'jest';
  return 'node';
}

/**
 * Where tsc puts src/karafka.ts: `<outDir>/<path of src relative to rootDir>/karafka.js`, read
 * from tsconfig.build.json (what `nest build` uses) or tsconfig.json, following `extends`.
 * Without `rootDir`, TypeScript 5 uses the common folder of the sources (src), 6 and later the
 * folder of the tsconfig.
 */
function bootFileOf(root: string): string {
  const options: { outDir?: string; rootDir?: string } = {};
  const config = ['tsconfig.build.json', 'tsconfig.json']
    .map((file) => join(root, file))
    .find((file) => existsSync(file));
  for (let file = config, depth = 0; file && depth < 5; depth++) {
    const json = readJsonc(file) as {
      extends?: unknown;
      compilerOptions?: { outDir?: unknown; rootDir?: unknown };
    };
    for (const key of ['outDir', 'rootDir'] as const) {
      const value = json?.compilerOptions?.[key];
      if (options[key] === undefined && typeof value === 'string')
        options[key] = resolve(dirname(file), value);
    }
    file =
      typeof json?.extends === 'string' && json.extends.startsWith('.')
        ? resolve(dirname(file), json.extends)
        : undefined;
  }
  const outDir = options.outDir ?? join(root, 'dist');
  const rootDir = options.rootDir ?? (typescriptMajor(root) >= 6 ? root : join(root, 'src'));
  const emitted = join(outDir, relative(rootDir, join(root, 'src')), 'karafka.js');
  return normalize(relative(root, emitted)).split('\\').join('/');
}

function typescriptMajor(root: string): number {
  try {
    const { version } = JSON.parse(
      readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8'),
    ) as { version: string };
    return Number.parseInt(version, 10);
  } catch {
    return 5;
  }
}

/** tsconfig files may hold comments and trailing commas. */
function readJsonc(file: string): unknown {
  const text = readFileSync(file, 'utf8')
    .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_match, string?: string) =>
      string ? string : '',
    )
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
