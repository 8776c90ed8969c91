import { ClientKafka } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTopic, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { ensureBuilt, fixture, startCli, type RunningCli } from './cli-runner.js';

describe('karafka server with Nest pattern handlers (no connectMicroservice in user code)', () => {
  let running: RunningCli | undefined;
  let client: ClientKafka | undefined;

  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await client?.close();
    client = undefined;
    if (running && running.process.exitCode === null) running.process.kill('SIGKILL');
    running = undefined;
  });

  it('runs @EventPattern and @MessagePattern handlers: emit() reaches one, send() gets the reply of the other', async () => {
    const events = uniqueName('cli-pattern-events');
    const requests = uniqueName('cli-pattern-requests');
    for (const topic of [events, requests, `${requests}.reply`]) await createTopic(topic);
    running = startCli(['--boot', fixture('patterns-app.js'), 'server'], {
      env: {
        FIXTURE_EVENTS: events,
        FIXTURE_REQUESTS: requests,
        FIXTURE_CLIENT_ID: uniqueName('cli-patterns'),
        FIXTURE_GROUP: uniqueName('cli-patterns-group'),
      },
    });
    const cli = running;
    await cli.waitFor('karafka: consuming');
    expect(cli.output()).toMatch(new RegExp(`consumer group cli-patterns-group\\S+: .*${events}`));

    client = new ClientKafka({
      client: {
        brokers: kafkaBrokers(),
        clientId: uniqueName('cli-caller'),
        logLevel: logLevel.NOTHING,
      },
      consumer: { groupId: uniqueName('cli-caller-group') },
    });
    client.subscribeToResponseOf(requests);
    await client.connect();
    await expect(lastValueFrom(client.send(requests, { n: 21 }))).resolves.toEqual({
      doubled: 42,
    });
    await lastValueFrom(client.emit(events, { hello: 'cli' }));
    await cli.waitFor('event {"hello":"cli"}');

    cli.process.kill('SIGTERM');
    const result = await cli.done;
    expect(result.stdout).toContain('karafka: stopped.');
    expect(result.stdout.match(/^hook onModuleInit$/gm)).toHaveLength(1);
    expect(result.stdout.match(/^hook onApplicationBootstrap$/gm)).toHaveLength(1);
    expect(result.code).toBe(0);
  });
});
