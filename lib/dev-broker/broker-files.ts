import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
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

/** Single-node KRaft: one process is broker and controller, everything on loopback. */
export function serverProperties(opts: {
  port: number;
  controllerPort: number;
  dataDir: string;
}): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${opts.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${opts.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
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
