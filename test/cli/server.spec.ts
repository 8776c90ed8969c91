import { Kafka, logLevel } from 'kafkajs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, eventually, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { ensureBuilt, fixture, startCli, type RunningCli } from './cli-runner.js';

async function produce(topic: string, payload: unknown): Promise<void> {
  const kafka = new Kafka({
    clientId: uniqueName('cli-producer'),
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ value: JSON.stringify(payload) }] });
  } finally {
    await producer.disconnect();
  }
}

describe('karafka server', () => {
  let running: RunningCli | undefined;

  beforeAll(() => ensureBuilt());
  afterEach(() => {
    if (running && running.process.exitCode === null) running.process.kill('SIGKILL');
    running = undefined;
  });

  function serve(topic: string, env: Record<string, string> = {}, args: string[] = []): RunningCli {
    running = startCli(['--boot', fixture('server-app.js'), 'server', ...args], {
      env: { FIXTURE_TOPIC: topic, FIXTURE_CLIENT_ID: uniqueName('cli-server'), ...env },
    });
    return running;
  }

  it('prints a banner, consumes, and exits 0 after a clean stop on SIGTERM', async () => {
    const topic = uniqueName('cli-server-pings');
    await createTopic(topic);
    const cli = serve(topic);
    await cli.waitFor('karafka: consuming');
    expect(cli.output()).toMatch(/karafka server: clientId cli-server-\S+, brokers /);
    expect(cli.output()).toContain(`: ${topic}`);

    await produce(topic, { ping: 1 });
    await cli.waitFor('consumed {"ping":1}');
    cli.process.kill('SIGTERM');
    const result = await cli.done;
    expect(result.stdout).toContain('SIGTERM received');
    expect(result.stdout).toContain('karafka: stopped.');
    expect(result.code).toBe(0);
  });

  it('SIGINT stops it as well', async () => {
    const topic = uniqueName('cli-server-int');
    await createTopic(topic);
    const cli = serve(topic);
    await cli.waitFor('karafka: consuming');
    cli.process.kill('SIGINT');
    expect((await cli.done).code).toBe(0);
  });

  it('a SIGTERM while the CLI is still loading is a clean stop too (exit 0, not 143)', async () => {
    const topic = uniqueName('cli-server-early');
    await createTopic(topic);
    const cli = serve(topic, { NODE_OPTIONS: `--require ${fixture('early-sigterm.cjs')}` });
    const result = await cli.done;
    // The signal came while loading: the first listener was the bin script's hold, not the
    // server's own handler.
    expect(result.stderr).toContain('first SIGTERM listener: hold');
    expect(result.stdout).toContain('SIGTERM received');
    expect(result.code).toBe(0);
  });

  it('exits 2 when a consumer is still busy after shutdownTimeout', async () => {
    const topic = uniqueName('cli-server-stuck');
    await createTopic(topic);
    const cli = serve(topic, { FIXTURE_STUCK_MS: '30000', FIXTURE_SHUTDOWN_TIMEOUT: '500' });
    await cli.waitFor('karafka: consuming');
    await produce(topic, { slow: true });
    await cli.waitFor('stuck for 30000 ms');

    const signalled = Date.now();
    cli.process.kill('SIGTERM');
    const result = await cli.done;
    expect(result.stderr).toContain('forced stop');
    expect(result.code).toBe(2);
    expect(Date.now() - signalled).toBeLessThan(15_000);
  });

  it('--health-port serves readiness and liveness as JSON for probes', async () => {
    const topic = uniqueName('cli-server-health');
    await createTopic(topic);
    const cli = serve(topic, {}, ['--health-port', '0']);
    await cli.waitFor(/health on http:\/\/127\.0\.0\.1:\d+\/health\/ready/);
    const port = /health on http:\/\/127\.0\.0\.1:(\d+)\//.exec(cli.output())![1];
    const probe = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { code: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    await eventually(async () => (await probe('/health/ready')).code === 200, 30_000, 'ready');
    const ready = await probe('/health/ready');
    expect(ready.body).toMatchObject({ status: 'up', problems: [], groups: [{ state: 'joined' }] });
    expect((await probe('/health/live')).body).toMatchObject({ status: 'up', problems: [] });
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    cli.process.kill('SIGTERM');
    expect((await cli.done).code).toBe(0);
  });

  it('rejects a --health-port that is not a port', async () => {
    const result = await serve(uniqueName('cli-server-badport'), {}, ['--health-port', 'x']).done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('"x" is not a port number');
  });

  it('exits 1 with a one-line reason when the selection matches nothing', async () => {
    const cli = serve(uniqueName('cli-server-none'), {}, ['--topics', 'nope']);
    const result = await cli.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('karafka: Nothing to consume');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
