import { Inject, Injectable, Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { explainConnectionFailure } from './connection-failure.js';

/** kafkajs logs through Nest's Logger (context KafkaJS), so one logger configuration rules the whole app. */
export const nestLogCreator: logCreator = () => {
  const logger = new Logger('KafkaJS');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const text = `${message}${Object.keys(extra).length > 2 ? ` ${JSON.stringify(extra)}` : ''}`;
    // kafkajs logs at error level what it then retries (a coordinator still loading, a broker
    // restarting); failures that matter reach the monitor as error.occurred and are logged there.
    if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(text);
    else if (level === logLevel.INFO) logger.debug(text);
    else logger.verbose(text);
  };
};

/** Builds kafkajs clients from the validated config (one per consumer group, one for the producer). */
@Injectable()
export class KafkaClientFactory {
  constructor(@Inject(KARAFKA_CONFIG) private readonly config: KarafkaConfig) {}

  create(role?: string): Kafka {
    const { kafka, clientId } = this.config;
    return new Kafka({
      clientId: role ? `${clientId}-${role}` : clientId,
      brokers: kafka.brokers,
      ssl: kafka.ssl,
      sasl: kafka.sasl,
      connectionTimeout: kafka.connectionTimeout,
      requestTimeout: kafka.requestTimeout,
      retry: kafka.retry,
      logLevel: logLevel.WARN,
      logCreator: nestLogCreator,
    });
  }

  /** A connection failure as an error that says what to fix (SASL, TLS), without secrets. */
  explainFailure(error: unknown, who: string): unknown {
    return explainConnectionFailure(error, this.config.kafka, who);
  }
}
