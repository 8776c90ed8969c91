import { KarafkaError } from '../errors/karafka.error.js';

/** The local development broker could not be prepared, started or stopped. */
export class DevBrokerError extends KarafkaError {}

export const DOCKER_HINT =
  'Without Java 17+ and Maven, run Kafka in Docker instead: `docker compose up -d kafka` ' +
  '(see docker-compose.yml), then set KAFKA_BROKERS=127.0.0.1:9092.';
