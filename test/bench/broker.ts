import { DevBroker } from '../../lib/dev-broker/dev-broker.js';

export interface BenchBroker {
  brokers: string[];
  /** Kafka version when we started the broker; from BENCH_KAFKA_VERSION otherwise. */
  kafkaVersion: string;
  /** Stops the broker when we started it (idempotent); a no-op for KAFKA_BROKERS. */
  stop(): Promise<void>;
}

/**
 * The broker the benchmark runs against: KAFKA_BROKERS when set, otherwise a dedicated local
 * broker on a free 127.0.0.1 port (never the developer's 9092 one, so others' data and load
 * do not mix in).
 */
export async function startBroker(log: (line: string) => void): Promise<BenchBroker> {
  const configured = process.env.KAFKA_BROKERS?.split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (configured?.length) {
    log(`using KAFKA_BROKERS=${configured.join(',')}`);
    return {
      brokers: configured,
      kafkaVersion:
        process.env.BENCH_KAFKA_VERSION ?? 'unknown (external broker, set BENCH_KAFKA_VERSION)',
      stop: async () => undefined,
    };
  }
  const started = Date.now();
  const broker = await DevBroker.start({ port: 0, log: (line) => log(`[kafka] ${line}`) });
  log(`dedicated broker ready at ${broker.brokers} in ${Date.now() - started} ms`);
  let stopping: Promise<void> | undefined;
  return {
    brokers: [broker.brokers],
    kafkaVersion: broker.state?.kafkaVersion ?? 'unknown',
    stop: () =>
      (stopping ??= DevBroker.stop({ port: broker.state?.port }).then(() =>
        log(`broker ${broker.brokers} stopped`),
      )),
  };
}
