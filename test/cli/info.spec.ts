import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, runCli } from './cli-runner.js';

const SECRETS = ['sasl-pass-123', 'CA-PEM-456', 'KEY-PEM-789', 'tls-pass'];
const info = (...args: string[]) =>
  runCli(['--boot', fixture('routing-app.js'), 'info', ...args], {
    env: { KAFKA_BROKERS: '127.0.0.1:1' },
  });

describe('karafka info', () => {
  beforeAll(() => ensureBuilt());

  it('prints versions, routing and the effective config, secrets masked', async () => {
    const result = await info();
    expect(result.code).toBe(0);
    const out = result.stdout;
    for (const secret of SECRETS) expect(out).not.toContain(secret);
    expect(out).toMatch(/^ {2}nestjs-karafka {2}\d+\.\d+\.\d+$/m);
    expect(out).toMatch(/^ {2}kafkajs +2\.2\.4$/m);
    expect(out).toMatch(/^ {2}@nestjs\/core +\d+\./m);
    expect(out).toContain(`node            ${process.versions.node}`);
    expect(out).toContain('Client id  shop');
    expect(out).toContain('Brokers    127.0.0.1:1');
    // No broker answers there: info says so and prints the rest.
    expect(out).toMatch(/^Cluster {4}not reachable: .+$/m);
    expect(out).toContain('  shop_app (group "app", 2 topics)');
    expect(out).toContain('  shop_billing (group "billing", 1 topic)');
    expect(out).toContain('    orders -> OrdersConsumer');
    expect(out).toContain('    payments -> PaymentsConsumer');
    expect(out).toMatch(/^ {6}batch +true$/m);
    expect(out).toMatch(/^ {6}topicConfig +\{"partitions":3\}$/m);
    expect(out).toMatch(/^ {6}deadLetter +payments_dlq \(after 5 retries\)$/m);
    expect(out).toMatch(/^ {2}kafka\.sasl\.username +shop-user$/m);
    expect(out).toMatch(/^ {2}kafka\.sasl\.password +\*\*\*$/m);
    expect(out).toMatch(/^ {2}kafka\.ssl\.key +\*\*\*$/m);
    expect(out).toMatch(/^ {2}kafka\.ssl\.ca +\*\*\*$/m);
    expect(out).toMatch(/^ {2}kafka\.ssl\.rejectUnauthorized +true$/m);
    // Defaults are filled in and marked; what the app set is not marked.
    expect(out).toMatch(/^ {2}shutdownTimeout +60000 +\(default\)$/m);
    expect(out).toMatch(/^ {2}consumer\.sessionTimeout +30000 +\(default\)$/m);
    expect(out).toMatch(/^ {2}concurrency +5$/m);
    expect(out).toMatch(/^ {2}topicMapper +IdentityTopicMapper \(default\)$/m);
  });

  it('--json prints one document with the same facts', async () => {
    const result = await info('--json');
    expect(result.code).toBe(0);
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
    const doc = JSON.parse(result.stdout) as {
      versions: Record<string, string>;
      clientId: string;
      consumerGroups: Array<{ id: string; routes: Array<{ topic: string; consumer: string }> }>;
      config: { kafka: { sasl: Record<string, string> }; pause: Record<string, unknown> };
    };
    expect(doc.versions.kafkajs).toBe('2.2.4');
    expect(doc.clientId).toBe('shop');
    expect((doc as unknown as { cluster: { error: string } }).cluster.error).toEqual(
      expect.any(String),
    );
    expect(doc.consumerGroups.map((group) => group.id)).toEqual(['shop_app', 'shop_billing']);
    expect(doc.consumerGroups[0]!.routes[0]).toMatchObject({
      topic: 'orders',
      consumer: 'OrdersConsumer',
    });
    expect(doc.config.kafka.sasl).toEqual({
      mechanism: 'plain',
      username: 'shop-user',
      password: '***',
    });
    expect(doc.config.pause).toEqual({
      timeout: 1000,
      maxTimeout: 30000,
      exponentialBackoff: true,
    });
  });
});
