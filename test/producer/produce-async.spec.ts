import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidPartitionError,
  KarafkaProducerError,
  ProducerClosedError,
} from '../../lib/producer/producer.error.js';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import { messageCount, producerHarness, type ProducerHarness } from './producer-harness.js';

describe('Producer.produceAsync / produceManyAsync', () => {
  let harness: ProducerHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('delivers 10,000 messages in background batches; handles resolve with distinct offsets', async () => {
    const topic = uniqueName('async-10k');
    await createTopic(topic, 3);
    harness = await producerHarness();
    const handles = [];
    for (let i = 0; i < 10_000; i++) {
      handles.push(
        harness.producer.produceAsync({ topic, payload: { seq: i }, key: `k${i % 50}` }),
      );
    }
    const reports = await Promise.all(handles.map((handle) => handle.report));
    expect(new Set(reports.map((r) => `${r.partition}/${r.offset}`)).size).toBe(10_000);
    expect(reports.every((r) => r.topic === topic)).toBe(true);
    expect(await messageCount(topic)).toBe(10_000);
  });

  it('shutdown without an explicit flush still delivers everything queued, then refuses to produce', async () => {
    const topic = uniqueName('async-close');
    await createTopic(topic);
    harness = await producerHarness({ producer: { lingerMs: 60_000 } }, ['producer.closed']);
    const { producer } = harness;
    for (let i = 0; i < 10_000; i++) producer.produceAsync({ topic, payload: `m${i}` });
    producer.buffer({ topic, payload: 'buffered, never flushed' });
    expect(producer.pendingAsync).toBe(10_000);
    expect(producer.bufferSize).toBe(1);

    await harness.close(); // Nest calls onApplicationShutdown
    expect(await messageCount(topic)).toBe(10_001);
    expect(harness.events.map((e) => e.payload)).toEqual([{ pending: 10_001 }]);
    expect(producer.closed).toBe(true);

    await expect(producer.produceSync({ topic, payload: 'late' })).rejects.toBeInstanceOf(
      ProducerClosedError,
    );
    await expect(producer.produceManySync([{ topic, payload: 'late' }])).rejects.toThrow(
      /producer is closed/,
    );
    expect(() => producer.produceAsync({ topic, payload: 'late' })).toThrow(KarafkaProducerError);
    expect(() => producer.buffer({ topic, payload: 'late' })).toThrow(/producer is closed/);
    await expect(producer.flushSync()).rejects.toBeInstanceOf(ProducerClosedError);
    expect(await messageCount(topic)).toBe(10_001);
  });

  it('produceManyAsync returns one handle per message, reports in order', async () => {
    const topic = uniqueName('async-many');
    await createTopic(topic);
    harness = await producerHarness({}, ['messages.produced_async']);
    const handles = harness.producer.produceManyAsync([
      { topic, payload: 'a' },
      { topic, payload: 'b' },
      { topic, payload: 'c' },
    ]);
    const reports = await Promise.all(handles.map((h) => h.report));
    expect(reports.map((r) => r.offset)).toEqual(['0', '1', '2']);
    expect(harness.events).toHaveLength(1);
    expect(harness.events[0]!.payload).toEqual({
      messages: [
        { topic, partition: undefined, key: null },
        { topic, partition: undefined, key: null },
        { topic, partition: undefined, key: null },
      ],
    });
  });

  it('reports delivery errors to the monitor and rejects the handle, ignored handles stay silent', async () => {
    const topic = uniqueName('async-fail');
    await createTopic(topic, 1);
    harness = await producerHarness({}, ['error.occurred']);
    // Partition 3 does not exist: valid on its own, refused once kafkajs knows the topic.
    const ignored = harness.producer.produceAsync({ topic, payload: 'x', partition: 3 });
    const watched = harness.producer.produceAsync({ topic, payload: 'y', partition: 3 });
    void ignored;
    await expect(watched.report).rejects.toBeInstanceOf(InvalidPartitionError);
    await expect(watched.report).rejects.toThrow(/partition 3 does not exist.*has 1 partition/);
    await eventually(() => harness!.events.length > 0, 10_000, 'error.occurred');
    expect(harness.events).toHaveLength(1);
    expect(harness.events[0]!.payload).toMatchObject({
      type: 'producer.produce_async.error',
      topic,
    });
    expect(await messageCount(topic)).toBe(0);
    // The producer keeps working after a failed batch.
    await expect(
      harness.producer.produceAsync({ topic, payload: 'ok' }).report,
    ).resolves.toMatchObject({
      offset: '0',
    });
  });
});
