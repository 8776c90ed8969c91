import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import { committedOffsets, produceRaw } from '../support/karafka-app.js';
import { ensureBuilt, fixture, startCli, type RunningCli } from './cli-runner.js';

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

  function swarm(topic: string, clientId: string, workers = '2'): RunningCli {
    const cli = startCli(['--boot', fixture('parallel-app.js'), 'server', '--swarm', workers], {
      env: { FIXTURE_TOPIC: topic, FIXTURE_CLIENT_ID: clientId },
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
});
