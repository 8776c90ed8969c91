import { afterEach, describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, toPositive } from '../../lib/producer/murmur2.js';
import { createTopic, uniqueName } from '../support/kafka.js';
import {
  endOffsets,
  producerHarness,
  readMessages,
  type ProducerHarness,
} from './producer-harness.js';

// Computed outside this project, twice: with an independent Python murmur2 and with the Java
// client itself (org.apache.kafka.common.utils.Utils.murmur2 / toPositive from
// kafka-clients-4.1.1.jar), key as UTF-8, for 6 partitions. Both agreed on every line.
const JAVA: Array<[key: string, hash: number, partition: number]> = [
  ['cart-1', -249670265, 3],
  ['cart-2', -779290384, 4],
  ['user-42', 1459644460, 4],
  ['order-1001', 297523878, 0],
  ['a', -1563381124, 4],
  ['ab', 316155434, 2],
  ['abc', 479470107, 3],
  ['abcd', -1323649548, 2],
  ['', 275646681, 3],
  ['ключ-😀', -2042508255, 5],
  ['customer:9f3b', -783598501, 1],
];

describe('murmur2 partitioning', () => {
  it('hashes exactly like the Java client', () => {
    for (const [key, hash, partition] of JAVA) {
      expect(murmur2(Buffer.from(key, 'utf8')), key).toBe(hash);
      expect(toPositive(hash) % 6, key).toBe(partition);
      expect(partitionForKey(key, 6), key).toBe(partition);
    }
    expect(toPositive(-1)).toBe(0x7fffffff);
  });

  describe('on the broker (6 partitions)', () => {
    let harness: ProducerHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it('partitionKey puts each message where a Java producer would, without making it the key', async () => {
      const topic = uniqueName('partition-key');
      await createTopic(topic, 6);
      harness = await producerHarness();
      const reports = await harness.producer.produceManySync(
        JAVA.map(([key]) => ({ topic, payload: { key }, partitionKey: key })),
      );
      expect(reports.map((r) => r.partition)).toEqual(JAVA.map(([, , partition]) => partition));

      const expected = [0, 0, 0, 0, 0, 0];
      for (const [, , partition] of JAVA) expected[partition]!++;
      expect(await endOffsets(topic)).toEqual(expected);

      const read = await readMessages(topic, JAVA.length);
      for (const { partition, message } of read) {
        const { key } = JSON.parse(message.value!.toString()) as { key: string };
        expect(partition, key).toBe(partitionForKey(key, 6));
        expect(message.key).toBeNull();
      }
    });

    it('keyed messages (async path too) land on the Java partition of their key; explicit partitions are kept', async () => {
      const topic = uniqueName('keyed');
      await createTopic(topic, 6);
      harness = await producerHarness();
      const keyed = await Promise.all(
        JAVA.map(([key]) => harness!.producer.produceAsync({ topic, payload: 'v', key }).report),
      );
      expect(keyed.map((r) => r.partition)).toEqual(JAVA.map(([, , partition]) => partition));
      const viaPartitionKey = await harness.producer.produceAsync({
        topic,
        payload: 'v',
        partitionKey: 'order-1001',
      }).report;
      expect(viaPartitionKey.partition).toBe(0);
      const explicit = await harness.producer.produceSync({
        topic,
        payload: 'v',
        key: 'cart-1',
        partition: 5,
      });
      expect(explicit.partition).toBe(5);
    });
  });
});
