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
    {
      name: 'optional-peers-stay-in-their-entry-points',
      severity: 'error',
      comment:
        'The optional peers (@opentelemetry/api, prom-client, @nestjs/terminus) are loaded only by ' +
        'the nestjs-karafka/tracing, /metrics and /health entry points; the core never imports them.',
      from: {
        pathNot: [
          '^lib/tracing/(open-telemetry-tracing|karafka-tracing[.]module|index)[.]ts$',
          '^lib/metrics/',
          '^lib/health/(karafka-health[.](indicator|module)|index)[.]ts$',
        ],
      },
      to: { path: 'node_modules/(@opentelemetry/|prom-client/|@nestjs/terminus/)' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
  },
};
