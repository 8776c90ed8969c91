import {
  DEV_CLUSTER_MIN_INSYNC_REPLICAS,
  DEV_CLUSTER_REPLICATION_FACTOR,
  type DevClusterNodeState,
} from './dev-cluster.options.js';

/**
 * server.properties of one combined broker+controller node of the local cluster. Replication
 * defaults are production's (RF 3, min ISR 2, internal topics too, no unclean election); the
 * heartbeat and session timeouts are shorter than Kafka's defaults so a killed node is fenced,
 * and its partitions get new leaders, within about two seconds instead of nine.
 */
export function clusterNodeProperties(
  node: DevClusterNodeState,
  nodes: DevClusterNodeState[],
): string {
  const rf = Math.min(DEV_CLUSTER_REPLICATION_FACTOR, nodes.length);
  const minIsr = Math.min(DEV_CLUSTER_MIN_INSYNC_REPLICAS, rf);
  const voters = nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  return [
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${node.dataDir}/data`,
    'num.partitions=1',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    'unclean.leader.election.enable=false',
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=2000',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}
