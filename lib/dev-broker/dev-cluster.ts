import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, isAlive, resolveHome } from './broker-files.js';
import { clusterNodeProperties } from './cluster-properties.js';
import { DevBrokerError } from './dev-broker.error.js';
import { DEFAULT_KAFKA_VERSION } from './dev-broker.options.js';
import {
  DEV_CLUSTER_REPLICATION_FACTOR,
  type DevClusterNodeState,
  type DevClusterOptions,
  type DevClusterState,
  type DevClusterStatus,
} from './dev-cluster.options.js';
import { ensureKafkaJars } from './kafka-distribution.js';
import {
  describeBrokers,
  formatStorage,
  javaOutput,
  signal,
  sleep,
  spawnKafka,
  tail,
  terminate,
} from './kafka-process.js';
import { assertJava } from './requirements.js';

/**
 * A local multi-node Kafka (KRaft; every node is broker and controller, all of them voters)
 * for failover tests: nodes can be stopped, killed and started again on their data. One cluster
 * per home folder; its state lives in `<home>/cluster/cluster.json`.
 */
export class DevCluster {
  /**
   * Starts the cluster: the nodes recorded in this folder that are not running are started on
   * their data; with none recorded, a new cluster is formatted. Resolves once every node is a
   * registered broker.
   */
  static async start(options: DevClusterOptions = {}): Promise<DevClusterStatus> {
    const home = resolveHome(options.home);
    const log = options.log ?? (() => undefined);
    assertJava();
    let state = readClusterState(home);
    const count = options.nodes ?? DEV_CLUSTER_REPLICATION_FACTOR;
    if (state && state.nodes.length !== count) {
      throw new DevBrokerError(
        `A ${state.nodes.length}-node cluster is recorded in ${clusterDir(home)}; stop it ` +
          `(\`karafka cluster stop\`) before starting one with ${count} nodes.`,
      );
    }
    if (!state) state = await formatCluster(home, options, count);
    const libs = await ensureKafkaJars(home, state.kafkaVersion, log);
    for (const node of state.nodes) {
      if (node.pid !== undefined && isAlive(node.pid)) continue;
      node.pid = launchNode(home, `${libs}/*`, state.heap, node, log);
      writeClusterState(home, state);
    }
    await waitForBrokers(state.nodes, options.startTimeout ?? 120_000);
    log(`Cluster ${state.clusterId} is ready: ${bootstrapOf(state).join(',')}.`);
    return DevCluster.status(options);
  }

  /** Starts one stopped or killed node again on its data; resolves once it is a broker again. */
  static async startNode(
    nodeId: number,
    options: DevClusterOptions = {},
  ): Promise<DevClusterStatus> {
    const home = resolveHome(options.home);
    const state = requireState(home);
    const node = nodeOf(state, nodeId);
    if (node.pid === undefined || !isAlive(node.pid)) {
      const libs = await ensureKafkaJars(
        home,
        state.kafkaVersion,
        options.log ?? (() => undefined),
      );
      node.pid = launchNode(home, `${libs}/*`, state.heap, node, options.log ?? (() => undefined));
      writeClusterState(home, state);
    }
    await waitForBrokers([node], options.startTimeout ?? 120_000);
    return DevCluster.status(options);
  }

  /** Stops one node gracefully (SIGTERM: it hands over leadership), keeping its data. */
  static async stopNode(nodeId: number, options: DevClusterOptions = {}): Promise<boolean> {
    const node = nodeOf(requireState(resolveHome(options.home)), nodeId);
    if (node.pid === undefined || !isAlive(node.pid)) return false;
    await terminate(node.pid);
    return true;
  }

  /** SIGKILLs one node, as a crash would (for failover tests); its data stays. */
  static async killNode(nodeId: number, options: DevClusterOptions = {}): Promise<boolean> {
    const node = nodeOf(requireState(resolveHome(options.home)), nodeId);
    if (node.pid === undefined || !isAlive(node.pid)) return false;
    const pid = node.pid;
    signal(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(20);
    return true;
  }

  /**
   * Stops every node. The data is deleted unless `keepData`: then the next `start` runs the same
   * cluster (id, topics, offsets) again. Resolves false when no cluster is recorded.
   */
  static async stop(options: DevClusterOptions & { keepData?: boolean } = {}): Promise<boolean> {
    const home = resolveHome(options.home);
    const state = readClusterState(home);
    if (!state) return false;
    await Promise.all(
      state.nodes.map((node) => (node.pid === undefined ? undefined : terminate(node.pid))),
    );
    if (!options.keepData) rmSync(clusterDir(home), { recursive: true, force: true });
    return true;
  }

  /** Which nodes run, their pids and resident memory. */
  static async status(options: DevClusterOptions = {}): Promise<DevClusterStatus> {
    const state = readClusterState(resolveHome(options.home));
    if (!state) return { nodes: [], bootstrap: [] };
    return {
      state,
      bootstrap: bootstrapOf(state),
      nodes: state.nodes.map((node) => {
        const running = node.pid !== undefined && isAlive(node.pid);
        return {
          nodeId: node.nodeId,
          brokers: node.brokers,
          running,
          ...(running && { pid: node.pid, rssBytes: residentBytes(node.pid as number) }),
        };
      }),
    };
  }
}

function clusterDir(home: string): string {
  return join(home, 'cluster');
}

function statePath(home: string): string {
  return join(clusterDir(home), 'cluster.json');
}

function readClusterState(home: string): DevClusterState | undefined {
  if (!existsSync(statePath(home))) return undefined;
  try {
    return JSON.parse(readFileSync(statePath(home), 'utf8')) as DevClusterState;
  } catch {
    return undefined;
  }
}

function writeClusterState(home: string, state: DevClusterState): void {
  mkdirSync(clusterDir(home), { recursive: true });
  writeFileSync(statePath(home), JSON.stringify(state, null, 2));
}

function requireState(home: string): DevClusterState {
  const state = readClusterState(home);
  if (!state) {
    throw new DevBrokerError(
      `No cluster was started from ${home}; start one with \`karafka cluster start\`.`,
    );
  }
  return state;
}

function nodeOf(state: DevClusterState, nodeId: number): DevClusterNodeState {
  const node = state.nodes.find((candidate) => candidate.nodeId === nodeId);
  if (!node) {
    throw new DevBrokerError(
      `The cluster has no node ${nodeId}; its nodes are ${state.nodes.map((n) => n.nodeId).join(', ')}.`,
    );
  }
  return node;
}

function bootstrapOf(state: DevClusterState): string[] {
  return state.nodes.map((node) => node.brokers);
}

/** Picks ports, writes every node's properties and formats all storages with one cluster id. */
async function formatCluster(
  home: string,
  options: DevClusterOptions,
  count: number,
): Promise<DevClusterState> {
  const log = options.log ?? (() => undefined);
  const kafkaVersion = options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const libs = await ensureKafkaJars(home, kafkaVersion, log);
  const classpath = `${libs}/*`;
  const ports: number[] = [];
  // Distinct free ports: ask until 2 per node are unique (the OS may hand one out twice).
  while (ports.length < count * 2) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const nodes: DevClusterNodeState[] = Array.from({ length: count }, (_, index) => {
    const nodeId = index + 1;
    const dataDir = join(clusterDir(home), `node-${nodeId}`);
    return {
      nodeId,
      port: ports[index * 2] as number,
      controllerPort: ports[index * 2 + 1] as number,
      brokers: `127.0.0.1:${ports[index * 2]}`,
      dataDir,
      propertiesFile: join(dataDir, 'server.properties'),
      logFile: join(home, 'logs', `cluster-node-${nodeId}.log`),
    };
  });
  rmSync(clusterDir(home), { recursive: true, force: true });
  const clusterId = javaOutput(classpath, ['kafka.tools.StorageTool', 'random-uuid']).trim();
  log(`Formatting a ${count}-node KRaft cluster ${clusterId} in ${clusterDir(home)}...`);
  for (const node of nodes) {
    mkdirSync(node.dataDir, { recursive: true });
    writeFileSync(node.propertiesFile, clusterNodeProperties(node, nodes));
    formatStorage(classpath, clusterId, node.propertiesFile);
  }
  const state: DevClusterState = {
    clusterId,
    kafkaVersion,
    heap: options.heap ?? '384m',
    startedAt: new Date().toISOString(),
    nodes,
  };
  writeClusterState(home, state);
  return state;
}

function launchNode(
  home: string,
  classpath: string,
  heap: string,
  node: DevClusterNodeState,
  log: (line: string) => void,
): number {
  const logsDir = join(home, 'logs');
  mkdirSync(logsDir, { recursive: true });
  log(`Starting node ${node.nodeId} on ${node.brokers} (log: ${node.logFile})...`);
  const child = spawnKafka({
    classpath,
    propertiesFile: node.propertiesFile,
    logFile: node.logFile,
    logsDir,
    heap,
    append: existsSync(node.logFile),
  });
  return child.pid as number;
}

/** Waits until each of `nodes` answers and the cluster lists it as a broker. */
async function waitForBrokers(nodes: DevClusterNodeState[], timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  for (const node of nodes) {
    for (;;) {
      if (node.pid === undefined || !isAlive(node.pid)) {
        throw new DevBrokerError(
          `Cluster node ${node.nodeId} exited while starting. Last lines of ${node.logFile}:\n${tail(node.logFile, 25)}`,
        );
      }
      const ids = await describeBrokers(node.brokers, 2_000).catch((): number[] => []);
      if (ids.includes(node.nodeId)) break;
      if (Date.now() > deadline) {
        throw new DevBrokerError(
          `Cluster node ${node.nodeId} did not join within ${timeout} ms. ` +
            `Last lines of ${node.logFile}:\n${tail(node.logFile, 25)}`,
        );
      }
      await sleep(250);
    }
  }
}

/** VmRSS of a process from /proc (Linux); undefined where that does not exist. */
function residentBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
