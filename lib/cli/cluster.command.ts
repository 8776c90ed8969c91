import { Command } from 'commander';
import { DevBrokerError } from '../dev-broker/dev-broker.error.js';
import { DevCluster } from '../dev-broker/dev-cluster.js';
import { DEFAULT_KAFKA_VERSION } from '../dev-broker/dev-broker.options.js';
import type { DevClusterStatus } from '../dev-broker/dev-cluster.options.js';

interface ClusterFlags {
  nodes: string;
  node?: string;
  kafkaVersion: string;
  heap: string;
  keepData?: boolean;
}

/**
 * `karafka cluster start|stop|status|kill`: a local multi-node KRaft cluster with production's
 * replication defaults, for trying failover (Java 17+ and Maven, no Docker).
 */
export function clusterCommand(): Command {
  const cluster = new Command('cluster').description(
    'Run a local three-node Kafka cluster (RF 3, min.insync.replicas 2) to try failover',
  );
  const nodeOption = (command: Command, what: string) => command.option('-n, --node <id>', what);

  nodeOption(cluster.command('start'), 'start only this stopped or killed node, on its data')
    .description('start the cluster (or its stopped nodes, on their data)')
    .option('--nodes <count>', 'how many broker+controller nodes (all KRaft voters)', '3')
    .option(
      '--kafka-version <version>',
      'Apache Kafka version from Maven Central',
      DEFAULT_KAFKA_VERSION,
    )
    .option('--heap <size>', 'JVM heap of each node (-Xmx)', '384m')
    .action(async (flags: ClusterFlags) => {
      const log = (line: string) => console.log(line);
      const status =
        flags.node !== undefined
          ? await DevCluster.startNode(nodeId(flags.node), { log })
          : await DevCluster.start({
              nodes: Number(flags.nodes),
              kafkaVersion: flags.kafkaVersion,
              heap: flags.heap,
              log,
            });
      printStatus(status);
    });

  nodeOption(cluster.command('stop'), 'stop only this node (gracefully, data kept)')
    .description('stop the cluster (its data is deleted unless --keep-data) or one node')
    .option('--keep-data', 'keep the data: the next `cluster start` runs the same cluster again')
    .action(async (flags: ClusterFlags) => {
      if (flags.node !== undefined) {
        const stopped = await DevCluster.stopNode(nodeId(flags.node));
        console.log(
          stopped ? `Node ${flags.node} stopped.` : `Node ${flags.node} was not running.`,
        );
        return;
      }
      const stopped = await DevCluster.stop({ keepData: flags.keepData });
      console.log(
        stopped
          ? `Cluster stopped${flags.keepData ? ', data kept' : ''}.`
          : 'No cluster was started from this folder.',
      );
    });

  nodeOption(cluster.command('kill'), 'the node to kill')
    .description('SIGKILL one node, as a crash would (its data stays; `start --node` restarts it)')
    .action(async (flags: ClusterFlags) => {
      if (flags.node === undefined) throw new DevBrokerError('cluster kill needs --node <id>');
      const killed = await DevCluster.killNode(nodeId(flags.node));
      console.log(killed ? `Node ${flags.node} killed.` : `Node ${flags.node} was not running.`);
    });

  cluster
    .command('status')
    .description('list the nodes, whether they run, and their resident memory')
    .action(async () => {
      const status = await DevCluster.status();
      if (!status.state) {
        console.log('No cluster was started from this folder.');
        process.exitCode = 3;
        return;
      }
      printStatus(status);
      if (status.nodes.some((node) => !node.running)) process.exitCode = 3;
    });

  return cluster;
}

function nodeId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1)
    throw new DevBrokerError(`--node must be a node id (1, 2, 3...), got "${value}"`);
  return id;
}

function printStatus(status: DevClusterStatus): void {
  console.log(`Cluster ${status.state?.clusterId}, brokers ${status.bootstrap.join(',')}:`);
  for (const node of status.nodes) {
    const rss =
      node.rssBytes === undefined ? '' : `, RSS ${Math.round(node.rssBytes / 2 ** 20)} MiB`;
    console.log(
      `  node ${node.nodeId} at ${node.brokers}: ${node.running ? `running, pid ${node.pid}${rss}` : 'stopped'}`,
    );
  }
}
