/** Brokers from KAFKA_BROKERS ("host:port,host:port"); 127.0.0.1:9092 when unset. */
export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  return brokers.length ? brokers : ['127.0.0.1:9092'];
}

/** KAFKA_TOPIC_PREFIX, e.g. "acme." (empty: topics keep their names). */
export function topicPrefixFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_TOPIC_PREFIX?.trim() ?? '';
}
