import type { TestProject } from 'vitest/node';
import { DevCluster } from '../../lib/dev-broker/dev-cluster.js';

/**
 * The cluster suite's setup: a three-node local cluster (in `.karafka/cluster`, sharing the
 * single broker's jar cache), provided as `kafkaBrokers` so the usual test helpers reach it;
 * stopped and its data deleted in teardown, even when tests fail.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let status: Awaited<ReturnType<typeof DevCluster.start>>;
  try {
    // A cluster left by an interrupted run is reused (its stopped nodes started again).
    status = await DevCluster.start({
      log: (line) => console.log(`[cluster] ${line}`),
      startTimeout: 180_000,
    });
  } catch (error) {
    // Vitest runs no teardown when setup fails: the nodes that did start go down here.
    await DevCluster.stop();
    throw error;
  }
  const rss = status.nodes.map(
    (node) => `node ${node.nodeId} ${Math.round((node.rssBytes ?? 0) / 2 ** 20)} MiB`,
  );
  console.log(`[cluster] ready in ${Date.now() - started} ms; RSS ${rss.join(', ')}`);
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
