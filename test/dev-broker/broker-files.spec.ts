import { describe, expect, it } from 'vitest';
import { serverProperties } from '../../lib/dev-broker/broker-files.js';

describe('dev broker server.properties', () => {
  const text = serverProperties({ port: 19092, controllerPort: 19093, dataDir: '/tmp/x' });
  const props = Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=', 2) as [string, string]),
  );

  it('binds both listeners to loopback only', () => {
    expect(props.listeners).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('runs a single KRaft node as broker and controller with replication factor 1', () => {
    expect(props['process.roles']).toBe('broker,controller');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(props['offsets.topic.replication.factor']).toBe('1');
    expect(props['transaction.state.log.min.isr']).toBe('1');
    expect(props['log.dirs']).toBe('/tmp/x');
  });
});
