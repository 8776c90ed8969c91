/**
 * `npm run lint` runs this over lib/: types flow one way, so any import cycle fails, type-only
 * imports included (tsPreCompilationDeps), since a type cycle ties the modules just the same.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'lib/ has no import cycles, type-only ones included: see README "Development".',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
