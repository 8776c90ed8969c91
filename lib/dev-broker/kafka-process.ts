import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { packageRoot } from '../utils/package-root.js';
import { isAlive } from './broker-files.js';
import { DevBrokerError } from './dev-broker.error.js';
import type { DevBrokerState } from './dev-broker.options.js';

/**
 * Starts a detached Kafka JVM on a server.properties file, its output appended to (or replacing)
 * the log file. Shared by the single broker and the cluster's nodes.
 */
export function spawnKafka(opts: {
  classpath: string;
  propertiesFile: string;
  logFile: string;
  logsDir: string;
  heap: string;
  append: boolean;
}): ChildProcess {
  const out = openSync(opts.logFile, opts.append ? 'a' : 'w');
  const child = spawn(
    'java',
    [
      `-Xmx${opts.heap}`,
      // A small initial heap: three cluster nodes on a laptop should not reserve 768 MB up front.
      '-Xms128m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(packageRoot(), 'lib', 'dev-broker', 'log4j2.yaml')}`,
      `-Dkafka.logs.dir=${opts.logsDir}`,
      '-cp',
      opts.classpath,
      'kafka.Kafka',
      opts.propertiesFile,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  if (!child.pid) throw new DevBrokerError(`Could not start java for Kafka; see ${opts.logFile}`);
  return child;
}

/** Formats a node's storage with the cluster id; throws with Kafka's own words on failure. */
export function formatStorage(
  classpath: string,
  clusterId: string,
  propertiesFile: string,
  extra: string[] = [],
): void {
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
      ...extra,
    ],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) {
    throw new DevBrokerError(
      `Formatting the broker's storage failed:\n${format.stderr}${format.stdout}`,
    );
  }
}

export function javaOutput(classpath: string, args: string[]): string {
  const result = spawnSync('java', ['-cp', classpath, ...args], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new DevBrokerError(`java ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

export async function describeCluster(brokers: string, timeout: number): Promise<string> {
  return (await askCluster('karafka-dev-broker', brokers, timeout)).clusterId;
}

/** One describeCluster question to a node, no retries: whether it answers now, and what. */
async function askCluster(
  clientId: string,
  brokers: string,
  timeout: number,
): Promise<Awaited<ReturnType<Admin['describeCluster']>>> {
  const admin = new Kafka({
    clientId,
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeout,
    requestTimeout: timeout,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function waitUntilReady(
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
export async function terminate(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signal(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

export function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Node ids of the brokers a node lists in its metadata. */
export async function describeBrokers(brokers: string, timeout: number): Promise<number[]> {
  const cluster = await askCluster('karafka-dev-cluster', brokers, timeout);
  return cluster.brokers.map((broker) => broker.nodeId);
}
