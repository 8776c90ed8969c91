import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, runCli } from './cli-runner.js';

describe('karafka console', () => {
  beforeAll(() => ensureBuilt());

  it('evaluates piped expressions with the app in scope, then exits', async () => {
    const result = await runCli(['--boot', fixture('routing-app.js'), 'console'], {
      env: { KAFKA_BROKERS: '127.0.0.1:1' },
      input: [
        "routes.map((route) => route.topic).join(',')",
        'config.clientId',
        "[typeof get, typeof app.close, typeof producer.produceSync, typeof monitor.subscribe].join(' ')",
        'get(producer.constructor) === producer',
        '',
      ].join('\n'),
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("'orders,pings,payments'");
    expect(result.stdout).toContain("'shop'");
    expect(result.stdout).toContain("'function function function function'");
    expect(result.stdout).toContain('true');
  });
});
