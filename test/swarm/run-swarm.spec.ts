import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SwarmWorkerStatus } from '../../lib/swarm/swarm-status.js';
import { ensureBuilt, REPO } from '../cli/cli-runner.js';
import { createTopic, eventually, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runSwarm(bootstrap, { workers })', () => {
  const children: ReturnType<typeof spawn>[] = [];
  beforeAll(() => ensureBuilt());
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('runs the workers, reports each one, restarts a killed one, and stops all with exit code 0', async () => {
    const topic = uniqueName('run-swarm');
    await createTopic(topic, 4);
    const child = spawn(process.execPath, ['test/swarm/fixtures/run-swarm-app.js'], {
      cwd: REPO,
      env: {
        ...process.env,
        KAFKA_BROKERS: kafkaBrokers().join(','),
        FIXTURE_TOPIC: topic,
        FIXTURE_CLIENT_ID: uniqueName('run-swarm-c'),
      },
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const status = (): SwarmWorkerStatus[] => {
      const lines = [...output.matchAll(/^status (.+)$/gm)];
      return lines.length ? (JSON.parse(lines.at(-1)![1]!) as SwarmWorkerStatus[]) : [];
    };
    const holding = () =>
      status().filter((w) => w.state === 'running' && Object.keys(w.partitions).length > 0);

    await eventually(() => holding().length === 2, 60_000, 'two running workers with partitions');
    const [first, second] = status();
    expect(first!.partitions).not.toEqual(second!.partitions);

    process.kill(first!.pid!, 'SIGKILL');
    await eventually(
      () => status()[0]!.restarts === 1 && status()[0]!.state === 'running',
      60_000,
      'worker 1 restarted',
    );
    expect(status()[0]!.pid).not.toBe(first!.pid);
    expect(status()[0]!.lastExit).toMatchObject({ signal: 'SIGKILL' });

    // The `http` option: the supervisor's /swarm has each worker's own report, the restart included.
    const port = /^port (\d+)$/m.exec(output)![1];
    const inspection = async () =>
      (await (await fetch(`http://127.0.0.1:${port}/swarm`)).json()) as {
        workers: (SwarmWorkerStatus & { report?: { groups: { state: string }[] } })[];
        health: { ready: { healthy: boolean } };
      };
    await eventually(
      async () => (await inspection()).health.ready.healthy,
      60_000,
      'a ready swarm on /swarm',
    );
    const { workers: inspected } = await inspection();
    expect(inspected.map((w) => [w.id, w.restarts, w.report?.groups[0]?.state])).toEqual([
      [1, 1, 'joined'],
      [2, 0, 'joined'],
    ]);
    expect(inspected[0]!.lastExit).toMatchObject({ signal: 'SIGKILL' });

    await produceRaw(
      topic,
      Array.from({ length: 100 }, (_, i) => ({ value: `{"n":${i}}`, partition: i % 4 })),
    );
    await eventually(
      () => new Set(output.match(/processed \d+:\d+/g) ?? []).size >= 100,
      60_000,
      'all 100 messages',
    );

    const workers = status().map((w) => w.pid!);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('all workers stopped (exit code 0)');
    for (const pid of workers) expect(alive(pid), `worker ${pid}`).toBe(false);
  });
});
