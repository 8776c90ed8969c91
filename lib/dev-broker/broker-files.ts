import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import type { DevBrokerState } from './dev-broker.options.js';

export function resolveHome(home?: string): string {
  return resolve(home ?? process.env.KARAFKA_HOME ?? join(process.cwd(), '.karafka'));
}

function stateDir(home: string): string {
  return join(home, 'brokers');
}

export function statePath(home: string, port: number): string {
  return join(stateDir(home), `${port}.json`);
}

export function readState(home: string, port: number): DevBrokerState | undefined {
  const path = statePath(home, port);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DevBrokerState;
  } catch {
    return undefined;
  }
}

export function writeState(home: string, state: DevBrokerState): void {
  mkdirSync(stateDir(home), { recursive: true });
  writeFileSync(statePath(home, state.port), JSON.stringify(state, null, 2));
}

export function removeState(home: string, port: number): void {
  rmSync(statePath(home, port), { force: true });
}

/**
 * A broker stopped with its data kept: `<home>/kept/<port>.json`, so the next start on that port
 * (with keepData, or `restart`) runs on the same storage, cluster id, topics and offsets.
 */
function keptPath(home: string, port: number): string {
  return join(home, 'kept', `${port}.json`);
}

export function readKept(home: string, port: number): DevBrokerState | undefined {
  const path = keptPath(home, port);
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as DevBrokerState;
    return existsSync(state.dataDir) ? state : undefined;
  } catch {
    return undefined;
  }
}

export function writeKept(home: string, state: DevBrokerState): void {
  mkdirSync(join(home, 'kept'), { recursive: true });
  writeFileSync(keptPath(home, state.port), JSON.stringify(state, null, 2));
}

export function removeKept(home: string, port: number): void {
  rmSync(keptPath(home, port), { force: true });
}

/** Every broker's storage lives under `<home>/data`, so abandoned folders can be found and removed. */
export function dataRoot(home: string): string {
  return join(home, 'data');
}

/**
 * Removes data folders under `<home>/data` that no running broker and no kept record of this
 * home uses (left behind by a killed process or a crashed start). Returns the removed paths.
 */
export function pruneAbandonedData(home: string): string[] {
  const root = dataRoot(home);
  if (!existsSync(root)) return [];
  const kept = existsSync(join(home, 'kept'))
    ? readdirSync(join(home, 'kept')).map((file) =>
        readKept(home, Number(file.replace('.json', ''))),
      )
    : [];
  const inUse = new Set(
    [...listStates(home).filter((state) => isAlive(state.pid)), ...kept]
      .filter((state): state is DevBrokerState => state !== undefined)
      .map((state) => resolve(state.dataDir)),
  );
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    const dir = resolve(root, name);
    if (inUse.has(dir) || isBeingCreated(dir)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/**
 * A new data folder is named after the process that creates it (`broker-<port>-<pid>-*`): until
 * the broker's state names it, a start in another process must not prune it, with no window
 * between creating the folder and marking it.
 */
export function dataDirPrefix(port: number): string {
  return `broker-${port}-${process.pid}-`;
}

function isBeingCreated(dataDir: string): boolean {
  const match = /^broker-\d+-(\d+)-/.exec(basename(dataDir));
  return match !== null && isAlive(Number(match[1]));
}

export function listStates(home: string): DevBrokerState[] {
  const dir = stateDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => readState(home, Number(file.replace('.json', ''))))
    .filter((state): state is DevBrokerState => state !== undefined);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/** Single-node KRaft: one process is broker and controller, everything on loopback. */
export function serverProperties(opts: {
  port: number;
  controllerPort: number;
  dataDir: string;
  /** A SASL_SSL listener on this port, configured by `secure` lines. */
  securePort?: number;
  secure?: string[];
}): string {
  const secure = opts.securePort !== undefined;
  const advertised = [
    `PLAINTEXT://127.0.0.1:${opts.port}`,
    ...(secure ? [`SASL_SSL://127.0.0.1:${opts.securePort}`] : []),
  ];
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${opts.controllerPort}`,
    `listeners=${[...advertised, `CONTROLLER://127.0.0.1:${opts.controllerPort}`].join(',')}`,
    `advertised.listeners=${advertised.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT${secure ? ',SASL_SSL:SASL_SSL' : ''}`,
    ...(opts.secure ?? []),
    `log.dirs=${opts.dataDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    '',
  ].join('\n');
}
