import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixture, runCli } from './cli-runner.js';

// Needs no broker: nothing connects at init. The fixture routes orders (three responders of
// every kind), payments (group billing, one optional responder) and pings (none).
const flow = (...args: string[]) =>
  runCli(['--boot', fixture('routing-app.js'), 'flow', ...args], {
    env: { KAFKA_BROKERS: '127.0.0.1:1' },
  });

describe('karafka flow', () => {
  beforeAll(() => ensureBuilt());

  it('prints the text flow, topics and responders sorted', async () => {
    const result = await flow();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'orders =>',
        '  - notifications:          (always, one or more)',
        '  - orders_audit:           (conditionally, one or more)',
        '  - orders_confirmed:       (always, exactly once)',
        'payments =>',
        '  - receipts:               (conditionally, exactly once)',
        'pings => (nothing)',
        '',
      ].join('\n'),
    );
  });

  it('prints a mermaid flowchart', async () => {
    const result = await flow('--format', 'mermaid');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    const ids = new Map(
      lines.flatMap((line) => {
        const node = /^ {2}(\w+)\["([^"]+)"\]$/.exec(line);
        return node ? [[node[2]!, node[1]!] as const] : [];
      }),
    );
    expect([...ids.keys()].sort()).toEqual(
      [
        'notifications',
        'orders',
        'orders_audit',
        'orders_confirmed',
        'payments',
        'pings',
        'receipts',
      ].sort(),
    );
    const edge = (from: string, rule: string, to: string) =>
      `  ${ids.get(from)} -->|"${rule}"| ${ids.get(to)}`;
    expect(lines).toContain(edge('orders', 'always, exactly once', 'orders_confirmed'));
    expect(lines).toContain(edge('orders', 'conditionally, one or more', 'orders_audit'));
    expect(lines).toContain(edge('orders', 'always, one or more', 'notifications'));
    expect(lines).toContain(edge('payments', 'conditionally, exactly once', 'receipts'));
    expect(lines.filter((line) => line.includes('-->'))).toHaveLength(4);
  });

  it('prints JSON', async () => {
    const result = await flow('--format', 'json');
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as Array<{
      topic: string;
      group: string;
      consumer: string;
      responders: Array<{ topic: string; required: boolean; multiple: boolean; rule: string }>;
    }>;
    expect(entries.map((entry) => entry.topic)).toEqual(['orders', 'payments', 'pings']);
    expect(entries[0]).toMatchObject({ group: 'app', consumer: 'OrdersConsumer' });
    expect(entries[0]!.responders).toEqual([
      { topic: 'notifications', required: true, multiple: true, rule: 'always, one or more' },
      {
        topic: 'orders_audit',
        required: false,
        multiple: true,
        rule: 'conditionally, one or more',
      },
      { topic: 'orders_confirmed', required: true, multiple: false, rule: 'always, exactly once' },
    ]);
    expect(entries[1]).toMatchObject({ group: 'billing', consumer: 'PaymentsConsumer' });
    expect(entries[2]!.responders).toEqual([]);
  });

  it('rejects an unknown format', async () => {
    const result = await flow('--format', 'yaml');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Allowed choices are text, mermaid, json');
  });
});
