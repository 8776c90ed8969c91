import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config/karafka-config.js';
import { KafkaClientFactory } from '../../lib/connection/kafka-client.factory.js';
import { ConsumerGroupListener } from '../../lib/connection/consumer-group-listener.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { IdentityTopicMapper } from '../../lib/mapping/topic-mapper.js';
import type { Producer } from '../../lib/producer/producer.js';

/** kafkajs' consumer after a crash: its group is gone and pause/resume/seek throw. */
const crashedConsumer = {
  pause: () => {
    throw new Error('Consumer group was not initialized, consumer#run must be called first');
  },
  resume: () => {
    throw new Error('Consumer group was not initialized, consumer#run must be called first');
  },
  seek: () => {
    throw new Error('Consumer group was not initialized, consumer#run must be called first');
  },
} as unknown as Consumer;

describe('ConsumerGroupListener (unit, no broker)', () => {
  it('a backoff timer that pauses, resumes or seeks on a crashed client does not throw', () => {
    const config = resolveConfig({ clientId: 'shop', kafka: { brokers: ['127.0.0.1:9092'] } });
    const listener = new ConsumerGroupListener(
      { id: 'shop_app', name: 'app', routes: [] },
      {
        config,
        monitor: new Monitor(),
        topicMapper: new IdentityTopicMapper(),
        producer: {} as Producer,
        clientFactory: new KafkaClientFactory(config),
      },
    );
    Reflect.set(listener, 'consumer', crashedConsumer);
    expect(() => listener.pausePartition('orders', 0)).not.toThrow();
    expect(() => listener.resumePartition('orders', 0)).not.toThrow();
    expect(() => listener.seek('orders', 0, '5')).not.toThrow();
  });
});
