import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dataDirPrefix,
  dataRoot,
  freePort,
  isAlive,
  listStates,
  portIsFree,
  pruneAbandonedData,
  readKept,
  readState,
  removeKept,
  removeState,
  resolveHome,
  serverProperties,
  writeKept,
  writeState,
} from './broker-files.js';
import {
  assertUsers,
  createCertificates,
  DEFAULT_SECURE_USER,
  scramFormatArgs,
  secureProperties,
  securityOf,
} from './broker-security.js';
import { DevBrokerError } from './dev-broker.error.js';
import {
  DEFAULT_BROKER_PORT,
  DEFAULT_KAFKA_VERSION,
  type DevBrokerOptions,
  type DevBrokerState,
  type DevBrokerStatus,
  type DevBrokerUser,
} from './dev-broker.options.js';
import { ensureKafkaJars } from './kafka-distribution.js';
import {
  describeCluster,
  formatStorage,
  javaOutput,
  spawnKafka,
  terminate,
  waitUntilReady,
} from './kafka-process.js';
import { assertJava } from './requirements.js';

/** What `DevBroker.start()` resolves with. */
export interface DevBrokerStartResult extends DevBrokerStatus {
  /** false when an already running broker was reused. */
  started: boolean;
}

/**
 * A single-node Apache Kafka (KRaft) for development and tests, run from Maven Central's jars
 * with the machine's Java: no Docker needed. The JVM is detached and recorded in a state file,
 * so `stop` and `status` work from another process.
 */
export class DevBroker {
  /** Starts a broker on the port, or reuses one that already answers there; resolves once it answers. */
  static async start(options: DevBrokerOptions = {}): Promise<DevBrokerStartResult> {
    const home = resolveHome(options.home);
    const log = options.log ?? (() => undefined);
    const requestedPort = options.port ?? DEFAULT_BROKER_PORT;

    if (requestedPort !== 0) {
      const current = await DevBroker.status({ ...options, port: requestedPort });
      if (current.reachable) {
        log(`A Kafka broker already answers at ${current.brokers}; reusing it.`);
        return { ...current, started: false };
      }
      if (current.state) await DevBroker.stop({ ...options, port: requestedPort });
    }
    for (const dir of pruneAbandonedData(home)) log(`Removed abandoned broker data ${dir}.`);

    const kept = requestedPort !== 0 ? readKept(home, requestedPort) : undefined;
    if (kept && !options.keepData) {
      log(`Discarding the data kept from the last broker on port ${requestedPort} (no keepData).`);
      DevBroker.discardKept(home, requestedPort);
    }
    return launch(home, options, options.keepData ? kept : undefined, options.keepData ?? false);
  }

  /**
   * Stops the broker on that port keeping its data, and starts it again on the same storage:
   * same cluster id, topics and committed offsets (what a real broker restart looks like).
   */
  static async restart(options: DevBrokerOptions = {}): Promise<DevBrokerStartResult> {
    const home = resolveHome(options.home);
    const port = options.port ?? DEFAULT_BROKER_PORT;
    const state = readState(home, port) ?? readKept(home, port);
    if (!state) {
      throw new DevBrokerError(
        `No broker of ours runs or kept its data on port ${port}; start one with \`karafka broker start\`.`,
      );
    }
    await DevBroker.stop({ ...options, port, keepData: true });
    const kept = readKept(home, port);
    return launch(home, { ...options, port }, kept, options.keepData ?? state.keepData);
  }

  /** Tells whether a broker started from this folder runs and answers on the port. */
  static async status(options: DevBrokerOptions = {}): Promise<DevBrokerStatus> {
    const home = resolveHome(options.home);
    const port = options.port ?? DEFAULT_BROKER_PORT;
    const brokers = `127.0.0.1:${port}`;
    let state = readState(home, port);
    if (state && !isAlive(state.pid)) {
      removeState(home, port);
      state = undefined;
    }
    const clusterId = await describeCluster(brokers, 3_000).catch(() => undefined);
    const kept = readKept(home, port);
    return {
      brokers,
      running: state !== undefined,
      reachable: clusterId !== undefined,
      state,
      clusterId,
      ...(kept && { kept }),
    };
  }

  /** Stops the broker we recorded on that port. Resolves false when none was recorded. */
  static async stop(options: DevBrokerOptions = {}): Promise<boolean> {
    const home = resolveHome(options.home);
    const port = options.port ?? DEFAULT_BROKER_PORT;
    const state = readState(home, port);
    if (!state) return false;
    await terminate(state.pid);
    if (options.keepData ?? state.keepData) writeKept(home, state);
    else rmSync(state.dataDir, { recursive: true, force: true });
    removeState(home, port);
    return true;
  }

  /** Deletes the data a stopped broker kept on that port. */
  static discardKept(home: string, port: number): void {
    const kept = readKept(home, port);
    if (kept) rmSync(kept.dataDir, { recursive: true, force: true });
    removeKept(home, port);
  }

  /** Stops every broker recorded in that home folder (CI clean-up). */
  static async stopAll(options: DevBrokerOptions = {}): Promise<number[]> {
    const home = resolveHome(options.home);
    const ports = listStates(home).map((state) => state.port);
    for (const port of ports) await DevBroker.stop({ ...options, port });
    pruneAbandonedData(home);
    return ports;
  }
}

/** Formats new storage (unless `reuse` kept one), starts the JVM and waits until it answers. */
async function launch(
  home: string,
  options: DevBrokerOptions,
  reuse: DevBrokerState | undefined,
  keepData: boolean,
): Promise<DevBrokerStartResult> {
  const log = options.log ?? (() => undefined);
  assertJava();
  const kafkaVersion = reuse?.kafkaVersion ?? options.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  const libs = await ensureKafkaJars(home, kafkaVersion, log);
  const requestedPort = options.port ?? DEFAULT_BROKER_PORT;
  const port = requestedPort === 0 ? await freePort() : requestedPort;
  const controllerPort =
    options.controllerPort ?? (await reusablePort(reuse?.controllerPort)) ?? (await freePort());
  const brokers = `127.0.0.1:${port}`;
  const classpath = `${libs}/*`;

  mkdirSync(dataRoot(home), { recursive: true });
  const dataDir = reuse?.dataDir ?? mkdtempSync(join(dataRoot(home), dataDirPrefix(port)));
  const secure = secureSettings(options.secure);
  let security = reuse?.security;
  let secureLines: string[] = [];
  if (reuse?.security || secure) {
    const users = reuse?.security?.users ?? secure?.users ?? [DEFAULT_SECURE_USER];
    assertUsers(users);
    const tlsDir = join(dataDir, 'tls');
    const files = reuse?.security
      ? { caFile: join(tlsDir, 'ca.pem'), keystoreFile: join(tlsDir, 'broker-keystore.pem') }
      : createCertificates(tlsDir);
    const securePort =
      (await reusablePort(reuse?.security?.port)) ?? secure?.port ?? (await freePort());
    security = securityOf(securePort, files.caFile, users);
    secureLines = secureProperties(files.keystoreFile, users);
  }
  const propertiesFile = join(dataDir, 'server.properties');
  writeFileSync(
    propertiesFile,
    serverProperties({
      port,
      controllerPort,
      dataDir: join(dataDir, 'data'),
      securePort: security?.port,
      secure: secureLines,
    }),
  );

  let clusterId = reuse?.clusterId;
  if (reuse) {
    log(`Starting on the data kept in ${dataDir}...`);
  } else {
    log(`Formatting KRaft storage in ${dataDir}...`);
    clusterId = javaOutput(classpath, ['kafka.tools.StorageTool', 'random-uuid']).trim();
    try {
      formatStorage(
        classpath,
        clusterId,
        propertiesFile,
        security ? scramFormatArgs(security.users) : [],
      );
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  const logsDir = join(home, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const logFile = join(logsDir, `broker-${port}.log`);
  log(`Starting Kafka ${kafkaVersion} on ${brokers} (log: ${logFile})...`);
  const child = spawnKafka({
    classpath,
    propertiesFile,
    logFile,
    logsDir,
    heap: options.heap ?? '1g',
    append: reuse !== undefined,
  });
  if (!child.pid) throw new DevBrokerError(`Could not start java for the broker; see ${logFile}`);

  const state: DevBrokerState = {
    pid: child.pid,
    port,
    controllerPort,
    brokers,
    kafkaVersion,
    logFile,
    dataDir,
    keepData,
    startedAt: new Date().toISOString(),
    clusterId,
    ...(security && { security }),
  };
  writeState(home, state);
  removeKept(home, port);

  try {
    const cluster = await waitUntilReady(brokers, state, options.startTimeout ?? 90_000);
    log(`Kafka ${kafkaVersion} is ready on ${brokers} (cluster ${cluster}).`);
    if (security) log(`SASL_SSL listener on ${security.brokers} (CA ${security.caFile}).`);
    return { brokers, running: true, reachable: true, state, clusterId: cluster, started: true };
  } catch (error) {
    // A broker that could not start on kept data keeps it: the user may want to look at it.
    await DevBroker.stop({ ...options, port, keepData: reuse !== undefined });
    throw error;
  }
}

function secureSettings(
  secure: DevBrokerOptions['secure'],
): { port?: number; users?: DevBrokerUser[] } | undefined {
  if (!secure) return undefined;
  return secure === true ? {} : secure;
}

/** A port a kept broker used, if nothing else took it meanwhile. */
async function reusablePort(port: number | undefined): Promise<number | undefined> {
  if (port === undefined) return undefined;
  return (await portIsFree(port)) ? port : undefined;
}
