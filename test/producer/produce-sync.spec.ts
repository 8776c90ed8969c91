import { afterEach, describe, expect, it } from 'vitest';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import { DeliveryFailedError } from '../../lib/producer/producer.error.js';
import { createTopic, uniqueName } from '../support/kafka.js';
import {
  messageCount,
  producerHarness,
  readMessages,
  type ProducerHarness,
} from './producer-harness.js';

describe('Producer.produceSync / produceManySync', () => {
  let harness: ProducerHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('resolves once acknowledged, with increasing offsets of the route topic', async () => {
    const topic = uniqueName('sync');
    await createTopic(topic);
    harness = await producerHarness();
    const reports = [];
    for (let i = 0; i < 3; i++) {
      reports.push(await harness.producer.produceSync({ topic, payload: { seq: i } }));
    }
    expect(reports.map((r) => r.offset)).toEqual(['0', '1', '2']);
    for (const report of reports) {
      expect(report.topic).toBe(topic);
      expect(report.partition).toBe(0);
      expect(report.kafkaTopic).toBeUndefined();
      expect(Number(report.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    }
    expect(await messageCount(topic)).toBe(3);
  });

  it('delivers keys, headers, tombstones, strings, Buffers and JSON objects intact', async () => {
    const topic = uniqueName('sync-payloads');
    await createTopic(topic);
    harness = await producerHarness();
    const producer = harness.producer;
    const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
    await producer.produceSync({
      topic,
      payload: { id: 1, name: 'cart' },
      key: 'cart-1',
      headers: { source: 'test', trace: Buffer.from('abc') },
    });
    await producer.produceSync({ topic, payload: null, key: 'cart-1' });
    await producer.produceSync({ topic, payload: 'plain text, not JSON' });
    await producer.produceSync({ topic, payload: binary, key: Buffer.from('bin-key') });
    await producer.produceSync({
      topic,
      payload: { n: 5 },
      timestamp: new Date(1_700_000_000_000),
    });

    const [json, tombstone, text, buffer, timed] = await readMessages(topic, 5);
    expect(json!.message.key!.toString()).toBe('cart-1');
    expect(JSON.parse(json!.message.value!.toString())).toEqual({ id: 1, name: 'cart' });
    expect(json!.message.headers!.source!.toString()).toBe('test');
    expect(json!.message.headers!.trace!.toString()).toBe('abc');
    expect(tombstone!.message.value).toBeNull();
    expect(tombstone!.message.key!.toString()).toBe('cart-1');
    expect(text!.message.value!.toString()).toBe('plain text, not JSON');
    expect(text!.message.key).toBeNull();
    expect(Buffer.compare(buffer!.message.value!, binary)).toBe(0);
    expect(buffer!.message.key!.toString()).toBe('bin-key');
    expect(timed!.message.timestamp).toBe('1700000000000');
  });

  it('produceManySync sends to several topics in one call, reports in the given order', async () => {
    const a = uniqueName('many-a');
    const b = uniqueName('many-b');
    await createTopic(a);
    await createTopic(b);
    harness = await producerHarness({}, ['messages.produced_sync', 'message.acknowledged']);
    const reports = await harness.producer.produceManySync([
      { topic: a, payload: 'a0' },
      { topic: b, payload: 'b0' },
      { topic: a, payload: 'a1' },
      { topic: b, payload: 'b1' },
      { topic: a, payload: 'a2' },
    ]);
    expect(reports.map((r) => `${r.topic === a ? 'a' : 'b'}${r.offset}`)).toEqual([
      'a0',
      'b0',
      'a1',
      'b1',
      'a2',
    ]);
    expect(await messageCount(a)).toBe(3);
    expect(await messageCount(b)).toBe(2);
    const produced = harness.events.filter((e) => e.id === 'messages.produced_sync');
    expect(produced).toHaveLength(1);
    expect(produced[0]!.duration).toBeGreaterThanOrEqual(0);
    expect(harness.events.filter((e) => e.id === 'message.acknowledged')).toHaveLength(5);
    expect(await harness.producer.produceManySync([])).toEqual([]);
  });

  it('applies the topic mapper: Kafka gets the mapped topic, the report keeps both', async () => {
    const prefix = `${uniqueName('tenant')}.`;
    harness = await producerHarness({ topicMapper: new PrefixTopicMapper(prefix) });
    await createTopic(`${prefix}orders`);
    const report = await harness.producer.produceSync({ topic: 'orders', payload: { id: 7 } });
    expect(report).toMatchObject({ topic: 'orders', kafkaTopic: `${prefix}orders`, offset: '0' });
    expect(await messageCount(`${prefix}orders`)).toBe(1);
  });

  it('rejects with DeliveryFailedError when Kafka refuses, and reports it to the monitor', async () => {
    const topic = uniqueName('sync-refused');
    await createTopic(topic);
    // Our limit is raised above the broker's message.max.bytes (about 1 MiB): Kafka refuses.
    harness = await producerHarness({ producer: { maxPayloadSize: 3_000_000 } }, [
      'error.occurred',
    ]);
    const failure = harness.producer.produceSync({ topic, payload: Buffer.alloc(2_000_000) });
    await expect(failure).rejects.toBeInstanceOf(DeliveryFailedError);
    await expect(failure).rejects.toThrow(
      new RegExp(`Delivery of 1 message to "${topic}" failed: .*larger than the max message size`),
    );
    expect(harness.events.map((e) => e.payload)).toMatchObject([
      { type: 'producer.produce_sync.error', topic },
    ]);
    await expect(
      harness.producer.produceSync({ topic, payload: 'x', partition: 4 }),
    ).rejects.toThrow(/partition 4 does not exist: topic ".*" has 1 partition \(0-0\)/);
    expect(await messageCount(topic)).toBe(0);
  });

  it('creates a missing topic on first produce (allowAutoTopicCreation)', async () => {
    const topic = uniqueName('auto-created');
    harness = await producerHarness();
    const report = await harness.producer.produceSync({ topic, payload: 'first' });
    expect(report.offset).toBe('0');
  });
});
