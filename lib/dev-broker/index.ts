export { DevBroker, type DevBrokerStartResult } from './dev-broker.js';
export { DevBrokerError } from './dev-broker.error.js';
export {
  DEFAULT_BROKER_PORT,
  DEFAULT_KAFKA_VERSION,
  type DevBrokerOptions,
  type DevBrokerSecureOptions,
  type DevBrokerSecurity,
  type DevBrokerUser,
  type DevBrokerState,
  type DevBrokerStatus,
} from './dev-broker.options.js';
export { DEFAULT_SECURE_USER } from './broker-security.js';
export { DevCluster } from './dev-cluster.js';
export {
  DEV_CLUSTER_MIN_INSYNC_REPLICAS,
  DEV_CLUSTER_REPLICATION_FACTOR,
  type DevClusterNodeState,
  type DevClusterNodeStatus,
  type DevClusterOptions,
  type DevClusterState,
  type DevClusterStatus,
} from './dev-cluster.options.js';
