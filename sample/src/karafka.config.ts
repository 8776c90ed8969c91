import { PrefixTopicMapper, type KarafkaModuleOptions } from 'nestjs-karafka';
import { brokersFromEnv, topicPrefixFromEnv } from './shared/kafka-env.js';

/**
 * The shop's Karafka configuration, read from the environment when the app boots:
 * - KAFKA_BROKERS (default 127.0.0.1:9092);
 * - KAFKA_TOPIC_PREFIX: when set, a PrefixTopicMapper namespaces every topic in Kafka
 *   (`acme.cart_events`) while the code keeps using `cart_events`;
 * - KARAFKA_CLIENT_ID (default "shop"): consumer group ids are `<clientId>_<group>`.
 */
export function karafkaOptions(env: NodeJS.ProcessEnv = process.env): KarafkaModuleOptions {
  const prefix = topicPrefixFromEnv(env);
  return {
    clientId: env.KARAFKA_CLIENT_ID?.trim() || 'shop',
    kafka: { brokers: brokersFromEnv(env) },
    ...(prefix ? { topicMapper: new PrefixTopicMapper(prefix) } : {}),
    // A shop wants its read models fresh: do not wait long for fuller fetches.
    consumer: { maxWaitTime: 100 },
    // Commit often: the sample is stopped and started a lot.
    commit: { interval: 1000 },
  };
}
