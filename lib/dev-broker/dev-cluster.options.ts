/** Options of the local multi-node cluster (`karafka cluster ...`, the cluster test suite). */
export interface DevClusterOptions {
  /** How many combined broker+controller nodes (all of them KRaft voters). Default 3. */
  nodes?: number;
  /**
   * Folder for the jars, the cluster's state, data and logs.
   * Default: `$KARAFKA_HOME`, else `.karafka` in the current directory.
   */
  home?: string;
  /** Apache Kafka version resolved from Maven Central. Default the single broker's default. */
  kafkaVersion?: string;
  /** JVM heap per node, passed as -Xmx. Default '384m'. */
  heap?: string;
  /** How long to wait for the nodes to answer, in ms. Default 120 000. */
  startTimeout?: number;
  /** Progress lines. Default: silent. */
  log?: (line: string) => void;
}

/** What is recorded about one node, in `<home>/cluster/cluster.json`. */
export interface DevClusterNodeState {
  /** KRaft node id (1-based), also its broker id. */
  nodeId: number;
  /** Client port on 127.0.0.1. */
  port: number;
  controllerPort: number;
  /** 127.0.0.1:<port> */
  brokers: string;
  /** Pid of the node's JVM when it was last started (it may have stopped since). */
  pid?: number;
  dataDir: string;
  propertiesFile: string;
  logFile: string;
}

/** What is recorded about the cluster. */
export interface DevClusterState {
  clusterId: string;
  kafkaVersion: string;
  heap: string;
  startedAt: string;
  nodes: DevClusterNodeState[];
}

/** One node as `status` sees it. */
export interface DevClusterNodeStatus {
  nodeId: number;
  brokers: string;
  /** Its JVM is alive. */
  running: boolean;
  pid?: number;
  /** Resident memory of the JVM in bytes (Linux; undefined elsewhere or when stopped). */
  rssBytes?: number;
}

/** The cluster as `status` sees it. */
export interface DevClusterStatus {
  /** Undefined when no cluster was started from this folder. */
  state?: DevClusterState;
  nodes: DevClusterNodeStatus[];
  /** Every node's client address, for `kafka.brokers`. */
  bootstrap: string[];
}

/** Replication defaults the cluster's nodes apply to new topics, the internal ones included. */
export const DEV_CLUSTER_REPLICATION_FACTOR = 3;
/** `min.insync.replicas` of the cluster's nodes. */
export const DEV_CLUSTER_MIN_INSYNC_REPLICAS = 2;
