import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { dataRoot, resolveHome } from '../../lib/dev-broker/broker-files.js';
import { DevBroker } from '../../lib/dev-broker/dev-broker.js';
import { DevBrokerError } from '../../lib/dev-broker/dev-broker.error.js';
import { assertJava, assertMaven } from '../../lib/dev-broker/requirements.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('DevBroker lifecycle (a second, dedicated broker)', () => {
  let port: number | undefined;
  afterAll(async () => {
    if (port) await DevBroker.stop({ port });
  });

  it('starts, reports status, reuses a running broker, and stops without leaving a JVM or data', async () => {
    const first = await DevBroker.start({ port: 0 });
    port = first.state!.port;
    expect(first.started).toBe(true);
    expect(first.clusterId).toMatch(/\S+/);
    expect(existsSync(first.state!.logFile)).toBe(true);
    expect(isAlive(first.state!.pid)).toBe(true);

    const status = await DevBroker.status({ port });
    expect(status).toMatchObject({ running: true, reachable: true, clusterId: first.clusterId });

    const second = await DevBroker.start({ port });
    expect(second.started).toBe(false);
    expect(second.state!.pid).toBe(first.state!.pid);

    expect(await DevBroker.stop({ port })).toBe(true);
    expect(isAlive(first.state!.pid)).toBe(false);
    expect(existsSync(first.state!.dataDir)).toBe(false);
    expect(await DevBroker.status({ port })).toMatchObject({ running: false, reachable: false });
    expect(await DevBroker.stop({ port })).toBe(false);
    port = undefined;
  });
});

describe('DevBroker restart on kept data (a dedicated broker)', () => {
  let port: number | undefined;
  afterAll(async () => {
    if (port) await DevBroker.stop({ port, keepData: false });
  });

  const admin = async <T>(brokers: string, fn: (a: ReturnType<Kafka['admin']>) => Promise<T>) => {
    const client = new Kafka({
      clientId: 'keep',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.disconnect();
    }
  };

  it('restarts with the same cluster id, topics and committed offsets; a plain start discards kept data; abandoned folders go', async () => {
    const first = await DevBroker.start({ port: 0 });
    port = first.state!.port;
    const brokers = first.brokers;
    await admin(brokers, async (a) => {
      await a.createTopics({ topics: [{ topic: 'kept', numPartitions: 2 }] });
      await a.setOffsets({
        groupId: 'kept-group',
        topic: 'kept',
        partitions: [{ partition: 1, offset: '0' }],
      });
    });

    const restarted = await DevBroker.restart({ port });
    expect(restarted.clusterId).toBe(first.clusterId);
    expect(restarted.state!.pid).not.toBe(first.state!.pid);
    expect(restarted.state!.dataDir).toBe(first.state!.dataDir);
    const offsets = await admin(brokers, async (a) => {
      expect(await a.listTopics()).toContain('kept');
      // Right after a start the group coordinator may still be loading the offsets topic
      // (COORDINATOR_LOAD_IN_PROGRESS, retriable); kafkajs' consumers retry it, its admin not.
      for (let attempt = 0; ; attempt++) {
        try {
          return await a.fetchOffsets({ groupId: 'kept-group', topics: ['kept'] });
        } catch (error) {
          if (!(error as { retriable?: boolean }).retriable || attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    });
    expect(offsets[0]!.partitions.find((p) => p.partition === 1)?.offset).toBe('0');

    // stop --keep-data, then start --keep-data: the same again.
    expect(await DevBroker.stop({ port, keepData: true })).toBe(true);
    expect(existsSync(first.state!.dataDir)).toBe(true);
    expect((await DevBroker.status({ port })).kept?.clusterId).toBe(first.clusterId);
    const again = await DevBroker.start({ port, keepData: true });
    expect(again.clusterId).toBe(first.clusterId);

    // A folder no broker and no kept record uses is abandoned: the next start removes it.
    const abandoned = join(dataRoot(resolveHome()), 'broker-1-abandoned');
    mkdirSync(join(abandoned, 'data'), { recursive: true });
    const deadCreator = join(dataRoot(resolveHome()), 'broker-1-999999999-x');
    mkdirSync(deadCreator, { recursive: true });
    // One that a live process (this one) is still formatting stays.
    const starting = join(dataRoot(resolveHome()), `broker-1-${process.pid}-starting`);
    mkdirSync(starting, { recursive: true });
    await DevBroker.stop({ port, keepData: true });
    const fresh = await DevBroker.start({ port });
    expect(fresh.clusterId).not.toBe(first.clusterId);
    expect(existsSync(first.state!.dataDir)).toBe(false);
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(deadCreator)).toBe(false);
    expect(existsSync(starting)).toBe(true);
    rmSync(starting, { recursive: true });
    expect(readdirSync(dataRoot(resolveHome()))).toContain(fresh.state!.dataDir.split('/').pop());
    await DevBroker.stop({ port });
    expect(existsSync(fresh.state!.dataDir)).toBe(false);
    port = undefined;
  }, 180_000);

  it('restart without a broker of ours on the port is a clear error', async () => {
    await expect(DevBroker.restart({ port: 1 })).rejects.toThrow(/No broker of ours .* port 1/);
  });
});

describe('DevBroker requirements', () => {
  const withoutPath = (fn: () => void) => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      fn();
    } finally {
      process.env.PATH = saved;
    }
  };

  it('names missing Java and points to docker-compose.yml', () => {
    withoutPath(() => {
      expect(() => assertJava()).toThrow(DevBrokerError);
      expect(() => assertJava()).toThrow(
        /Java 17 or newer.*docker compose up -d kafka.*docker-compose\.yml/s,
      );
    });
  });

  it('names missing Maven and points to docker-compose.yml', () => {
    withoutPath(() => {
      expect(() => assertMaven()).toThrow(/Maven.*docker-compose\.yml/s);
    });
  });

  it('accepts the machine Java 17+', () => {
    expect(() => assertJava()).not.toThrow();
  });
});
