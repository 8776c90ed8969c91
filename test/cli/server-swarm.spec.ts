import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import { committedOffsets, produceRaw } from '../support/karafka-app.js';
import { ensureBuilt, fixture, runCli, startCli, type RunningCli } from './cli-runner.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `processed <partition>:<offset> pid <pid>` lines: offsets per partition and pids. */
function processed(output: string): { offsets: Set<string>; pids: Set<number> } {
  const offsets = new Set<string>();
  const pids = new Set<number>();
  for (const match of output.matchAll(/processed (\d+:\d+) pid (\d+)/g)) {
    offsets.add(match[1]!);
    pids.add(Number(match[2]));
  }
  return { offsets, pids };
}

function workerPids(output: string): number[] {
  return [...output.matchAll(/worker \d+ \(pid (\d+)\) consuming/g)].map((m) => Number(m[1]));
}

const messages = (count: number, partitions: number) =>
  Array.from({ length: count }, (_, i) => ({ value: `{"n":${i}}`, partition: i % partitions }));

describe('karafka server --swarm', () => {
  const running: RunningCli[] = [];
  const pids: number[] = [];

  beforeAll(() => ensureBuilt());
  afterEach(() => {
    for (const cli of running.splice(0))
      if (cli.process.exitCode === null) cli.process.kill('SIGKILL');
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  function swarm(
    topic: string,
    clientId: string,
    workers = '2',
    extra: { args?: string[]; env?: Record<string, string> } = {},
  ): RunningCli {
    const args = ['--boot', fixture('parallel-app.js'), 'server', '--swarm', workers];
    const cli = startCli([...args, ...(extra.args ?? [])], {
      env: { FIXTURE_TOPIC: topic, FIXTURE_CLIENT_ID: clientId, ...extra.env },
      timeout: 120_000,
    });
    running.push(cli);
    return cli;
  }

  it('two workers share the partitions; kill -9 of one restarts it and loses nothing; SIGTERM exits 0', async () => {
    const topic = uniqueName('swarm');
    const clientId = uniqueName('swarm-c');
    await createTopic(topic, 4);
    const cli = swarm(topic, clientId);
    await eventually(() => workerPids(cli.output()).length >= 2, 60_000, 'two workers consuming');
    pids.push(...workerPids(cli.output()));
    // Both workers hold partitions once the group settled.
    await eventually(
      () =>
        new Set([...cli.output().matchAll(/assigned \{.+\} pid (\d+)/g)].map((m) => m[1])).size >=
        2,
      30_000,
      'assignments in both workers',
    );
    await produceRaw(topic, messages(200, 4));
    await eventually(() => processed(cli.output()).offsets.size >= 200, 30_000, 'the first 200');
    expect(processed(cli.output()).pids.size).toBe(2);

    const [victim] = workerPids(cli.output());
    process.kill(victim!, 'SIGKILL');
    await cli.waitFor(
      new RegExp(`pid ${victim}\\) died \\(signal SIGKILL\\); restarting in \\d+ ms`),
    );
    await eventually(() => workerPids(cli.output()).length >= 3, 60_000, 'the restarted worker');
    pids.push(...workerPids(cli.output()));
    await produceRaw(topic, messages(200, 4));
    await eventually(() => processed(cli.output()).offsets.size >= 400, 60_000, 'all 400 messages');

    cli.process.kill('SIGTERM');
    const result = await cli.done;
    expect(result.stdout).toContain('stopping every worker');
    expect(result.stdout).toContain('all workers stopped (exit code 0)');
    expect(result.code).toBe(0);
    for (const pid of workerPids(result.stdout)) expect(alive(pid), `worker ${pid}`).toBe(false);
    const committed = await committedOffsets(`${clientId}_app`, topic);
    expect(
      Object.values(committed)
        .map(Number)
        .reduce((a, b) => a + b, 0),
    ).toBe(400);
  });

  it("--health-port: the supervisor serves every worker's health, status and metrics; a killed worker shows up", async () => {
    const topic = uniqueName('swarm-health');
    const clientId = uniqueName('swarm-c');
    await createTopic(topic, 4);
    const cli = swarm(topic, clientId, '2', {
      args: ['--health-port', '0'],
      env: { FIXTURE_METRICS: '1' },
    });
    await cli.waitFor(/karafka swarm: health on http:\/\/127\.0\.0\.1:\d+\/health\/ready/);
    const base = /health on (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.output())![1]!;
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`);
      return { status: response.status, body: await response.text() };
    };
    interface SwarmBody {
      workers: {
        id: number;
        pid: number;
        state: string;
        restarts: number;
        lastExit?: { signal: string | null };
        report?: { health: { ready: { healthy: boolean } }; groups: { state: string }[] };
      }[];
      health: { ready: { healthy: boolean }; alive: { healthy: boolean } };
    }
    const status = async () => JSON.parse((await get('/swarm')).body) as SwarmBody;

    await eventually(
      async () => (await get('/health/ready')).status === 200,
      60_000,
      'a ready swarm',
    );
    const ready = JSON.parse((await get('/health/ready')).body) as {
      status: string;
      workers: { id: number; pid: number; state: string; groups: { state: string }[] }[];
    };
    expect(ready.status).toBe('up');
    expect(ready.workers.map((w) => [w.id, w.state, w.groups])).toEqual([
      [1, 'running', [{ id: `${clientId}_app`, state: 'joined' }]],
      [2, 'running', [{ id: `${clientId}_app`, state: 'joined' }]],
    ]);
    const pidsBefore = (await status()).workers.map((w) => w.pid);
    expect(pidsBefore.sort()).toEqual(workerPids(cli.output()).sort());
    pids.push(...pidsBefore);

    await produceRaw(topic, messages(40, 4));
    await eventually(() => processed(cli.output()).offsets.size >= 40, 30_000, 'the 40 messages');
    // Both workers' own metrics, labelled by worker, under one family.
    await eventually(
      async () => {
        const text = (await get('/metrics')).body;
        const consumed = [
          ...text.matchAll(/^karafka_messages_consumed_total\{worker="(\d)",.*\} (\d+)$/gm),
        ];
        return consumed.reduce((sum, m) => sum + Number(m[2]), 0) === 40;
      },
      30_000,
      'the consumed counters of both workers on /metrics',
    );
    const metrics = await get('/metrics');
    expect(metrics.body).toContain('karafka_swarm_workers 2');
    expect(metrics.body).toContain('karafka_swarm_worker_state{worker="1",state="running"} 1');
    expect(metrics.body.match(/^# TYPE karafka_messages_consumed_total counter$/gm)).toHaveLength(
      1,
    );

    const victim = (await status()).workers[0]!;
    process.kill(victim.pid, 'SIGKILL');
    // While it restarts, the swarm is not ready and names the worker and how it died.
    await eventually(
      async () => {
        const { status: code, body } = await get('/health/ready');
        return (
          code === 503 &&
          /"worker":1,"pid":\d+,"reason":"worker 1 is (restarting|starting)/.test(body)
        );
      },
      30_000,
      'not ready while worker 1 restarts',
    );
    await eventually(
      async () => (await status()).workers[0]!.restarts === 1,
      30_000,
      'the restart on /swarm',
    );
    const afterKill = (await status()).workers[0]!;
    expect(afterKill.lastExit?.signal).toBe('SIGKILL');
    expect(afterKill.pid).not.toBe(victim.pid);
    pids.push(afterKill.pid);
    expect((await get('/metrics')).body).toContain(
      'karafka_swarm_worker_restarts_total{worker="1"} 1',
    );
    await eventually(
      async () => (await get('/health/ready')).status === 200,
      60_000,
      'ready again with the replacement',
    );
    expect((await get('/health/live')).status).toBe(200);

    // `karafka swarm status` reads the same from the supervisor's port.
    const port = new URL(base).port;
    const printed = await runCli(['swarm', 'status', '--port', port]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain(`Swarm at 127.0.0.1:${port}: 2 workers, ready, alive.`);
    const row = printed.stdout.split('\n').find((line) => line.startsWith('1 '))!;
    expect(row).toMatch(
      new RegExp(
        `^1\\s+${afterKill.pid}\\s+running\\s+1\\s+signal SIGKILL, \\d+ s ago\\s+.*${clientId}_app joined`,
      ),
    );

    cli.process.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(0);
    // The workers got neither --health-port nor the supervisor's port: only the supervisor served.
    expect(result.stdout).not.toMatch(/karafka: health on/);
  });

  it('exits 2 when a worker had to be forced (work still running past its shutdownTimeout)', async () => {
    const topic = uniqueName('swarm-forced');
    await createTopic(topic, 1);
    const cli = swarm(topic, uniqueName('swarm-c'), '1', {
      env: { FIXTURE_DELAY_MS: '30000', FIXTURE_SHUTDOWN_TIMEOUT: '1000' },
    });
    await cli.waitFor(/assigned \{.+\} pid \d+/, 60_000);
    pids.push(...workerPids(cli.output()));
    await produceRaw(topic, messages(1, 1));
    await cli.waitFor(/consuming 0:0 pid \d+/, 30_000);
    cli.process.kill('SIGTERM');
    const result = await cli.done;
    expect(result.stdout + result.stderr).toContain('all workers stopped (exit code 2)');
    expect(result.code).toBe(2);
    for (const pid of workerPids(result.stdout)) expect(alive(pid), `worker ${pid}`).toBe(false);
  });

  it('leaves no orphan when the supervisor itself is killed with -9', async () => {
    const topic = uniqueName('swarm-orphan');
    await createTopic(topic, 2);
    const cli = swarm(topic, uniqueName('swarm-c'));
    await eventually(() => workerPids(cli.output()).length >= 2, 60_000, 'two workers consuming');
    const workers = workerPids(cli.output());
    pids.push(...workers);
    cli.process.kill('SIGKILL');
    await cli.done;
    await eventually(() => workers.every((pid) => !alive(pid)), 10_000, 'the workers to exit');
  });

  it('a bad worker count is a clear error', async () => {
    const cli = swarm(uniqueName('swarm-bad'), uniqueName('swarm-c'), 'many');
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/swarm workers must be a whole number >= 1 or 'auto'/);
  });

  it('karafka swarm status says so, with exit code 3, when no supervisor answers', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));
    const result = await runCli(['swarm', 'status', '--port', String(port)]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(
      `No swarm supervisor answers at http://127.0.0.1:${port}/swarm`,
    );
  });

  it('a health port that is taken is a clear error, and no worker starts', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const cli = swarm(uniqueName('swarm-port'), uniqueName('swarm-c'), '2', {
        args: ['--health-port', String(port)],
      });
      const result = await cli.done;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the swarm's health port 127.0.0.1:${port} cannot be opened`);
      expect(result.stdout).not.toMatch(/starting 2 worker/);
    } finally {
      taken.close();
    }
  });
});
