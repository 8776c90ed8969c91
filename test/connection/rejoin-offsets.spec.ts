import { describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { createTopic, eventually, produceTo, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { startKarafkaApp } from '../support/karafka-app.js';

const topic = uniqueName('rejoin-offsets');
const seen: number[] = [];
let blocked = false;

/**
 * The first call blocks the event loop past the session timeout: no heartbeat reaches the
 * coordinator, which drops the member. kafkajs then joins again and keeps the partition, while
 * the marks of that first call were never committed (the commit interval is far away).
 */
@Consumer(topic, { batch: true })
class StallingConsumer extends BaseConsumer<{ n: number }> {
  consume(messages: Messages<{ n: number }>): void {
    for (const message of messages) seen.push(message.payload.n);
    if (!blocked) {
      blocked = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 8_000);
    }
  }
}

describe('a partition kept through a rejoin', () => {
  it('resumes after its last processed message, not from the last commit that reached Kafka', async () => {
    await createTopic(topic);
    const brokers = kafkaBrokers().join(',');
    for (let n = 0; n < 5; n++) await produceTo(brokers, topic, JSON.stringify({ n }));
    const app = await startKarafkaApp({
      clientId: uniqueName('rejoin'),
      providers: [StallingConsumer],
      options: {
        consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
        commit: { interval: 600_000, threshold: 0 },
      },
      record: ['rebalance.partitions_assigned', 'connection.client.crashed'],
    });
    try {
      await eventually(() => seen.length >= 5, 30_000, 'the first five messages');
      // After the rejoin, new messages flow; the first five must not come again.
      await eventually(
        () => app.events.filter((e) => e.id === 'rebalance.partitions_assigned').length >= 1,
        30_000,
        'the assignment',
      );
      for (let n = 5; n < 10; n++) await produceTo(brokers, topic, JSON.stringify({ n }));
      await eventually(() => seen.includes(9), 60_000, 'the messages after the rejoin');
      expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await app.close();
    }
  });
});
