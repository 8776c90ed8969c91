import type { TestProject } from 'vitest/node';
import { DevBroker } from '../../lib/dev-broker/dev-broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

/**
 * One real Kafka broker for the whole run: the one in KAFKA_BROKERS when set, otherwise a fresh
 * local broker on a free port, stopped in teardown (which vitest runs even when tests fail).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const configured = process.env.KAFKA_BROKERS?.split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (configured?.length) {
    project.provide('kafkaBrokers', configured);
    return async () => undefined;
  }

  const started = Date.now();
  const broker = await DevBroker.start({ port: 0, log: (line) => console.log(`[kafka] ${line}`) });
  console.log(`[kafka] test broker ready at ${broker.brokers} in ${Date.now() - started} ms`);
  project.provide('kafkaBrokers', [broker.brokers]);
  process.env.KAFKA_BROKERS = broker.brokers;

  const stop = async () => {
    await DevBroker.stop({ port: broker.state?.port });
  };
  // A Ctrl-C during the run must not leave a JVM behind.
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  };
}
