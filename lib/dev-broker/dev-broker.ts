import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { packageRoot } from '../utils/package-root.js';
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
    const format = spawnSync(
      'java',
      [
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propertiesFile,
        ...(security ? scramFormatArgs(security.users) : []),
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new DevBrokerError(
        `Formatting the broker's storage failed:\n${format.stderr}${format.stdout}`,
      );
    }
  }

  const logsDir = join(home, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const logFile = join(logsDir, `broker-${port}.log`);
  log(`Starting Kafka ${kafkaVersion} on ${brokers} (log: ${logFile})...`);
  const out = openSync(logFile, reuse ? 'a' : 'w');
  const child = spawn(
    'java',
    [
      `-Xmx${options.heap ?? '1g'}`,
      '-Xms256m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(packageRoot(), 'lib', 'dev-broker', 'log4j2.yaml')}`,
      `-Dkafka.logs.dir=${logsDir}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      propertiesFile,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
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

function javaOutput(classpath: string, args: string[]): string {
  const result = spawnSync('java', ['-cp', classpath, ...args], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new DevBrokerError(`java ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

async function describeCluster(brokers: string, timeout: number): Promise<string> {
  const admin = new Kafka({
    clientId: 'karafka-dev-broker',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeout,
    requestTimeout: timeout,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.clusterId;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitUntilReady(
  brokers: string,
  state: DevBrokerState,
  timeout: number,
): Promise<string> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (!isAlive(state.pid)) {
      throw new DevBrokerError(
        `The Kafka broker exited while starting. Last lines of ${state.logFile}:\n${tail(state.logFile, 25)}`,
      );
    }
    try {
      return await describeCluster(brokers, 2_000);
    } catch {
      await sleep(250);
    }
  }
  throw new DevBrokerError(
    `The Kafka broker did not answer on ${brokers} within ${timeout} ms. ` +
      `Last lines of ${state.logFile}:\n${tail(state.logFile, 25)}`,
  );
}

/** SIGTERM lets Kafka close its logs cleanly; SIGKILL only if it hangs. */
async function terminate(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signal(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
