import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
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
