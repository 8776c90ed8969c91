import { loadedFormat, type ModuleFormat } from './module-file.js';

const LOADED = Symbol.for('nestjs-karafka:loadedFormats');

type Registry = { [LOADED]?: Set<ModuleFormat> };

/**
 * Notes which build (CommonJS or ESM) of nestjs-karafka this process loaded, and warns once if
 * it loads both: then there are two KarafkaServer classes, two Producer tokens, two sets of
 * everything, and Nest reports providers it cannot find. One process, one build.
 */
export function registerLoadedFormat(registry: Registry = globalThis as Registry): boolean {
  const formats = (registry[LOADED] ??= new Set());
  const before = formats.size;
  formats.add(loadedFormat());
  if (before !== 1 || formats.size !== 2) return false;
  process.emitWarning(
    'nestjs-karafka was loaded twice in this process, as CommonJS (require) and as ESM (import). ' +
      'Classes and DI tokens of one copy are unknown to the other: load it one way only ' +
      '(the way your app compiles: require in CommonJS apps, import in ESM apps).',
    { code: 'NESTJS_KARAFKA_DUAL_PACKAGE' },
  );
  return true;
}

registerLoadedFormat();
