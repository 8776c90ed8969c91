import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../lib/schema-registry/index.js';
import { ensureBuilt, fixture, runCli } from '../cli/cli-runner.js';
import { uniqueName } from '../support/kafka.js';
import { orderAvro, registryUrl } from './registry-support.js';

describe('karafka info and topics with a schema registry route', () => {
  const topic = uniqueName('cli-events');
  const cli = (args: string[]) =>
    runCli(['--boot', fixture('schema-registry-app.js'), ...args], {
      env: { FIXTURE_TOPIC: topic, SCHEMA_REGISTRY_URL: registryUrl() },
    });
  let id = 0;

  beforeAll(async () => {
    ensureBuilt();
    const registry = new SchemaRegistry({ url: registryUrl() });
    id = await registry.register(`${topic}-value`, orderAvro('CliEvent'));
  });

  it('info shows the subject and the format of the route, and nothing for the JSON route', async () => {
    const result = await cli(['info', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout) as {
      consumerGroups: Array<{ routes: Array<{ topic: string; schema?: string }> }>;
    };
    const routes = info.consumerGroups.flatMap((group) => group.routes);
    expect(routes.find((route) => route.topic === topic)?.schema).toBe(
      `AVRO (v1, id ${id}), subject ${topic}-value`,
    );
    expect(routes.find((route) => route.topic === `${topic}-plain`)).not.toHaveProperty('schema');
  });

  it('topics list adds a SCHEMA column', async () => {
    const result = await cli(['topics', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/TOPIC\s+DECLARED\s+EXISTING\s+REPLICATION\s+STATE\s+SCHEMA/);
    expect(lines.find((line) => line.startsWith(`${topic} `))).toContain(
      `AVRO (v1, id ${id}), subject ${topic}-value`,
    );
    expect(lines.find((line) => line.startsWith(`${topic}-plain `))).toMatch(/ -$/);
  });
});
