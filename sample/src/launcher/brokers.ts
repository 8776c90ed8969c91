import { brokersFromEnv } from '../shared/kafka-env.js';

export const LOCAL_BROKER = '127.0.0.1:9092';

/** What `npm start` needs from the outside world, injectable so the decision can be tested. */
export interface BrokerEnvironment {
  env: NodeJS.ProcessEnv;
  /** Whether a Kafka broker answers at 127.0.0.1:9092. */
  localBrokerAnswers(): Promise<boolean>;
  /** Starts the local development broker on 127.0.0.1:9092 (it keeps running after the app). */
  startLocalBroker(): Promise<void>;
  log(line: string): void;
}

export interface BrokerChoice {
  brokers: string[];
  /** How the brokers were found. */
  source: 'KAFKA_BROKERS' | 'running' | 'started';
}

/**
 * Which Kafka the shop talks to:
 * - KAFKA_BROKERS set: those brokers, as they are (nothing is probed or started);
 * - else a broker answering on 127.0.0.1:9092;
 * - else the local development broker, started now (and left running for the next start).
 */
export async function chooseBrokers(environment: BrokerEnvironment): Promise<BrokerChoice> {
  if (environment.env.KAFKA_BROKERS?.trim()) {
    return { brokers: brokersFromEnv(environment.env), source: 'KAFKA_BROKERS' };
  }
  if (await environment.localBrokerAnswers()) {
    return { brokers: [LOCAL_BROKER], source: 'running' };
  }
  environment.log(
    `No Kafka on ${LOCAL_BROKER} and no KAFKA_BROKERS: starting the local broker ` +
      `(Java + Maven; the first start downloads Kafka; it keeps running, \`npm run kafka:stop\` stops it).`,
  );
  await environment.startLocalBroker();
  return { brokers: [LOCAL_BROKER], source: 'started' };
}
