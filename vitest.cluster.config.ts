import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The cluster suite (`npm run test:cluster`): failover on a local three-node cluster. Its own
// config because it starts three JVMs instead of one broker, and its files run one at a time
// (they stop and kill the shared cluster's nodes).
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    setupFiles: ['test/setup/reflect-metadata.ts'],
    include: ['test/cluster/**/*.spec.ts'],
    globalSetup: ['test/setup/global-cluster.ts'],
    // Bounds that fail clearly rather than hang CI: the failover test takes 1-2 min on the
    // shared 2-core machine; the setup may format and start three JVMs (up to 180 s each wait).
    testTimeout: 300_000,
    hookTimeout: 240_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
