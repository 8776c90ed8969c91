import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC (not esbuild) transpiles the tests because esbuild drops `emitDecoratorMetadata`,
// and Nest's constructor injection reads that metadata.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['test/**/*.spec.ts'],
    exclude: ['test/bench/**', 'test/compat/**', 'node_modules/**'],
    globalSetup: ['test/setup/global-broker.ts'],
    setupFiles: ['test/setup/reflect-metadata.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores and one broker: more workers only add contention.
    maxWorkers: 2,
    reporters: ['default', './test/setup/summary-reporter.ts'],
  },
});
