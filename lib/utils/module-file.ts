import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The file of this module, in both builds. `import.meta.url` does not compile into the
 * CommonJS build and `__filename` does not exist in ESM, so ESM reads the file from V8's call
 * site of this function (a file: URL there, a path in CommonJS).
 */
export function thisModuleFile(): string {
  if (typeof __filename === 'string') return __filename;
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, frames) => frames;
    const frames = new Error().stack as unknown as NodeJS.CallSite[];
    const file = frames[0]?.getFileName();
    if (!file) throw new Error('nestjs-karafka: cannot tell where its own code was loaded from');
    return file.startsWith('file:') ? fileURLToPath(file) : file;
  } finally {
    Error.prepareStackTrace = original;
  }
}

export type ModuleFormat = 'commonjs' | 'module';

let format: ModuleFormat | undefined;

/**
 * Which build of nestjs-karafka this code is: the `type` of the nearest package.json, as Node
 * decides it (dist/cjs has its own package.json with `"type": "commonjs"`).
 */
export function loadedFormat(): ModuleFormat {
  if (format) return format;
  for (let dir = dirname(thisModuleFile()); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const { type } = JSON.parse(readFileSync(candidate, 'utf8')) as { type?: string };
      return (format = type === 'module' ? 'module' : 'commonjs');
    }
    if (dirname(dir) === dir) return (format = 'commonjs');
  }
}

/**
 * Loads a file of the app the way this build loads modules: `require` in the CommonJS build
 * (where TypeScript compiles `import()` into a `require` that cannot take a URL), `import()` in ESM.
 */
export async function loadFile(path: string): Promise<unknown> {
  if (loadedFormat() === 'commonjs') return createRequire(path)(path);
  return import(pathToFileURL(path).href);
}
