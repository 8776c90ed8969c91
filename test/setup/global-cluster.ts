import type { TestProject } from 'vitest/node';
import { DevCluster } from '../../lib/dev-broker/dev-cluster.js';

/**
 * The cluster suite's setup: a three-node local cluster (in `.karafka/cluster`, sharing the
 * single broker's jar cache), provided as `kafkaBrokers` so the usual test helpers reach it;
 * stopped and its data deleted in teardown, even when tests fail.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const status = await DevCluster.start({ log: (line) => console.log(`[cluster] ${line}`) });
  console.log(`[cluster] ready in ${Date.now() - started} ms`);
  project.provide('kafkaBrokers', status.bootstrap);
  const stop = async () => {
    await DevCluster.stop();
  };
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  };
}
