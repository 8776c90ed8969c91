import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, startCli, type RunningCli } from '../../cli/cli-runner.js';
import { createTopic, eventually, uniqueName } from '../../support/kafka.js';
import { committedOffsets, produceRaw } from '../../support/karafka-app.js';

/** Offsets of the `processed 0:<offset> pid <pid>` lines. */
function offsets(output: string): Set<number> {
  return new Set([...output.matchAll(/processed 0:(\d+) pid/g)].map((m) => Number(m[1])));
}

describe('virtual partitions: kill -9 in the middle of a batch', () => {
  const running: RunningCli[] = [];
  beforeAll(() => ensureBuilt());
  afterEach(() => {
    for (const cli of running.splice(0))
      if (cli.process.exitCode === null) cli.process.kill('SIGKILL');
  });

  it('loses nothing: the restarted server processes every message the killed one did not finish', async () => {
    const topic = uniqueName('vp-crash');
    const clientId = uniqueName('vp-crash-c');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      // Half the messages share one hot key: its virtual partition is still busy long after
      // the others finished, which is when a too-early mark would commit its messages.
      Array.from({ length: 400 }, (_, i) => ({
        key: i % 2 === 0 ? 'hot' : `k${i % 37}`,
        value: `{"n":${i}}`,
      })),
    );
    const serve = () => {
      const cli = startCli(['--boot', fixture('parallel-app.js'), 'server'], {
        env: {
          FIXTURE_TOPIC: topic,
          FIXTURE_CLIENT_ID: clientId,
          FIXTURE_VP_MAX: '8',
          FIXTURE_DELAY_MS: '20',
        },
      });
      running.push(cli);
      return cli;
    };

    const first = serve();
    await eventually(() => offsets(first.output()).size >= 300, 30_000, '300 messages processed');
    first.process.kill('SIGKILL');
    await first.done;
    const before = offsets(first.output());
    expect(before.size).toBeLessThan(400); // killed mid-way

    const second = serve();
    await eventually(
      () => new Set([...before, ...offsets(second.output())]).size >= 400,
      60_000,
      'every message after the restart',
    );
    second.process.kill('SIGTERM');
    expect((await second.done).code).toBe(0);
    expect((await committedOffsets(`${clientId}_app`, topic))[0]).toBe('400');
  });
});
