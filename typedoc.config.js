// @ts-check
// `npm run docs`: the API reference, from the TSDoc comments of what the package exports.
// TypeDoc rather than API Extractor: it takes every subpath of package.json "exports" as an entry
// point, reads lib/ with the project's TypeScript 6 (API Extractor bundles its own compiler and
// wants one rolled-up .d.ts per entry), and its `notDocumented` validation is the check we want.
import { entryPoints } from './scripts/entry-points.js';

/** @type {Partial<import('typedoc').TypeDocOptions>} */
const config = {
  name: 'nestjs-karafka',
  entryPoints: entryPoints().map((entry) => entry.source),
  tsconfig: 'tsconfig.build.json',
  out: 'docs/api',
  readme: 'none',
  excludePrivate: true,
  excludeProtected: false,
  excludeInternal: true,
  // Every export of an entry point needs a comment; members are documented where they help.
  requiredToBeDocumented: ['Class', 'Interface', 'Function', 'Variable', 'TypeAlias', 'Enum'],
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  treatValidationWarningsAsErrors: true,
  // The build type-checks lib/; TypeDoc only needs to read it.
  skipErrorChecking: true,
  // Built from clones whose remote may be a local path (CI) or absent: no source links, no git
  // lookups, and so no warning that would fail the validation above.
  disableSources: true,
};

export default config;
