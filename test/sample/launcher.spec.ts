import { describe, expect, it, vi } from 'vitest';
import { chooseBrokers, type BrokerEnvironment } from '../../sample/src/launcher/brokers.js';

function environment(env: NodeJS.ProcessEnv, answers: boolean) {
  const lines: string[] = [];
  const deps = {
    env,
    localBrokerAnswers: vi.fn(async () => answers),
    startLocalBroker: vi.fn(async () => undefined),
    log: (line: string) => lines.push(line),
  } satisfies BrokerEnvironment;
  return { deps, lines };
}

describe('npm start: which Kafka the shop uses', () => {
  it('with KAFKA_BROKERS set, connects to those and never probes or starts a broker', async () => {
    const { deps, lines } = environment({ KAFKA_BROKERS: 'kafka:29092, other:9092' }, false);
    await expect(chooseBrokers(deps)).resolves.toEqual({
      brokers: ['kafka:29092', 'other:9092'],
      source: 'KAFKA_BROKERS',
    });
    expect(deps.localBrokerAnswers).not.toHaveBeenCalled();
    expect(deps.startLocalBroker).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('uses a broker that already answers on 127.0.0.1:9092 without starting one', async () => {
    const { deps, lines } = environment({}, true);
    await expect(chooseBrokers(deps)).resolves.toEqual({
      brokers: ['127.0.0.1:9092'],
      source: 'running',
    });
    expect(deps.startLocalBroker).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('starts the local broker when nothing answers, and says so in one line', async () => {
    const { deps, lines } = environment({ KAFKA_BROKERS: '  ' }, false);
    await expect(chooseBrokers(deps)).resolves.toEqual({
      brokers: ['127.0.0.1:9092'],
      source: 'started',
    });
    expect(deps.startLocalBroker).toHaveBeenCalledOnce();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/starting the local broker/);
    expect(lines[0]).toContain('npm run kafka:stop');
  });

  it('reports a broker that fails to start', async () => {
    const { deps } = environment({}, false);
    deps.startLocalBroker.mockRejectedValueOnce(new Error('Java 17+ is required'));
    await expect(chooseBrokers(deps)).rejects.toThrow('Java 17+ is required');
  });
});
