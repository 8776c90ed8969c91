import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC (not esbuild) transpiles the tests because esbuild drops `emitDecoratorMetadata`,
// and Nest's constructor injection reads that metadata.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    setupFiles: ['test/setup/reflect-metadata.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores and one broker: more workers only add contention.
    maxWorkers: 2,
    reporters: ['default', './test/setup/summary-reporter.ts'],
    // `unit`: files named *.unit.spec.ts, pure logic against fakes: no broker, no Java
    // (`npm run test:unit`). `integration`: everything else, against the real broker the
    // global setup starts. `npm test` runs both.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.spec.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.spec.ts'],
          exclude: [
            'test/**/*.unit.spec.ts',
            'test/schema-registry/**',
            'test/bench/**',
            'test/compat/**',
            // The cluster suite has its own config and setup (vitest.cluster.config.ts).
            'test/cluster/**',
            'node_modules/**',
          ],
          globalSetup: ['test/setup/global-broker.ts'],
        },
      },
      // `schema-registry`: like integration, plus a real schema registry (Apicurio, Java 21+
      // or its 2.x on Java 17) that only these suites start (SCHEMA_REGISTRY_URL reuses one).
      {
        extends: true,
        test: {
          name: 'schema-registry',
          include: ['test/schema-registry/**/*.spec.ts'],
          exclude: ['test/**/*.unit.spec.ts'],
          globalSetup: ['test/setup/global-broker.ts', 'test/setup/global-schema-registry.ts'],
        },
      },
    ],
  },
});
