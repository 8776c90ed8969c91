import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTopic, eventually, testKafka, uniqueName, withAdmin } from '../support/kafka.js';

describe('the real Kafka broker started by the test setup', () => {
  let consumer: Consumer | undefined;
  afterEach(async () => consumer?.disconnect());

  it('reports a cluster id and exactly one broker', async () => {
    const cluster = await withAdmin((admin) => admin.describeCluster());
    expect(cluster.clusterId).toMatch(/\S+/);
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.brokers[0]!.host).toBe('127.0.0.1');
  });

  it('round-trips 1,000 keyed messages with headers, in order per partition', async () => {
    const topic = uniqueName('roundtrip');
    await createTopic(topic, 3);
    const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }));
    expect(metadata.topics[0]!.partitions).toHaveLength(3);

    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: 1000 }, (_, i) => ({
      key: `key-${i % 17}`,
      value: JSON.stringify({ seq: i }),
      headers: { seq: String(i), source: 'roundtrip-test' },
    }));
    for (let i = 0; i < sent.length; i += 100) {
      await producer.send({ topic, messages: sent.slice(i, i + 100) });
    }
    await producer.disconnect();

    const received: Array<{ partition: number; message: KafkaMessage }> = [];
    consumer = kafka.consumer({ groupId: uniqueName('roundtrip-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => void received.push({ partition, message }),
    });
    await eventually(() => received.length >= 1000, 60_000, '1,000 messages');

    expect(received).toHaveLength(1000);
    const partitionsOfKey = new Map<string, Set<number>>();
    const lastSeqByPartition = new Map<number, number>();
    for (const { partition, message } of received) {
      const seq = (JSON.parse(message.value!.toString()) as { seq: number }).seq;
      const key = message.key!.toString();
      expect(key).toBe(`key-${seq % 17}`);
      expect(message.headers!.seq!.toString()).toBe(String(seq));
      expect(message.headers!.source!.toString()).toBe('roundtrip-test');
      // Within a partition, the producer's order holds.
      expect(seq).toBeGreaterThan(lastSeqByPartition.get(partition) ?? -1);
      lastSeqByPartition.set(partition, seq);
      partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(partition));
    }
    expect(
      new Set(received.map((r) => (JSON.parse(r.message.value!.toString()) as { seq: number }).seq))
        .size,
    ).toBe(1000);
    // Each key lives on one partition, and the keys spread over all three.
    for (const partitions of partitionsOfKey.values()) expect(partitions.size).toBe(1);
    expect(lastSeqByPartition.size).toBe(3);
  });
});
