import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_TOPICS, type ProcessReport } from '../../lib/web/index.js';
import { uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';
import { ensureBuilt, runCli, startCli, type RunningCli } from './cli-runner.js';

let cli: RunningCli | undefined;
afterEach(async () => {
  cli?.process.kill('SIGTERM');
  await cli?.done;
  cli = undefined;
});

function report(id: string, topic: string): ProcessReport {
  return {
    schema: 1,
    id,
    host: 'elsewhere',
    pid: 4242,
    clientId: 'standalone-test',
    version: '0.1.0',
    startedAt: Date.now() - 60_000,
    at: Date.now(),
    interval: 60_000,
    status: 'connected',
    memory: { rss: 50_000_000, heapUsed: 20_000_000 },
    consumed: 10,
    produced: 0,
    errors: 0,
    commands: false,
    groups: [
      {
        id: 'standalone_app',
        name: 'app',
        state: 'joined',
        topics: [topic],
        crashes: 0,
        partitions: [
          {
            topic,
            partition: 0,
            highWatermark: '7',
            committedOffset: '5',
            lag: 2,
            state: 'running',
            attempt: 0,
          },
        ],
      },
    ],
    routes: [
      {
        group: 'standalone_app',
        topic,
        kafkaTopic: topic,
        consumer: 'StandaloneConsumer',
        batch: true,
        responds: [],
      },
    ],
  };
}

describe('karafka web (standalone, against the cluster)', () => {
  it('web install creates the web topics; web serves the processes the cluster reports, read-only refuses changes', async () => {
    ensureBuilt();
    const install = await runCli(['web', 'install']);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/Created karafka_|The web topics exist\./);

    const id = uniqueName('standalone-process');
    const topic = uniqueName('standalone-topic');
    await produceRaw(DEFAULT_WEB_TOPICS.reports, [
      { key: id, value: JSON.stringify(report(id, topic)) },
    ]);
    cli = startCli(['web', '--port', '0', '--read-only']);
    await cli.waitFor(/Karafka Web on http:\/\/127\.0\.0\.1:\d+\//);
    const url = /Karafka Web on (http:\/\/127\.0\.0\.1:\d+)\//.exec(cli.output())![1]!;

    let processes = '';
    for (let i = 0; i < 100 && !processes.includes(id); i++) {
      processes = await (await fetch(`${url}/processes`)).text();
      if (!processes.includes(id)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(processes).toContain(id);
    // One group: other tests report to the default topics too, and the page holds 100 partitions.
    const health = await (await fetch(`${url}/health?group=standalone_app`)).text();
    expect(health).toContain(`partition-${topic}-0`);
    expect(health).not.toContain('<form'); // read-only: no command forms
    // The flow as a diagram (dagre loaded lazily by the built CLI): a box for this route's topic
    // (other tests report to the default topics too, so there may be more).
    const routing = await (await fetch(`${url}/routing`)).text();
    expect(routing).toMatch(
      new RegExp(`class="flow-node flow-routed">\\s*<rect[^>]*/>\\s*<text[^>]*>${topic}</text>`),
    );
    // No routes here, so no deserializers: payloads are shown as they are, and the page says why.
    await produceRaw(topic, [{ value: '{"standalone":1}' }]);
    const message = await (await fetch(`${url}/explorer/${topic}/0/0`)).text();
    expect(message).toContain('the standalone UI has no routes and their deserializers');
    expect(message).toContain('{\n  &quot;standalone&quot;: 1\n}');
    const post = await fetch(`${url}/commands`, { method: 'POST', body: '' });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('read-only');
  });
});
