import { afterEach, describe, expect, it } from 'vitest';
import type { ProducerMessage } from '../../lib/producer/producer-message.js';
import { InvalidProducerOptionsError } from '../../lib/producer/producer.error.js';
import { createTopic, uniqueName } from '../support/kafka.js';
import {
  messageCount,
  producerHarness,
  readMessages,
  type ProducerHarness,
} from './producer-harness.js';

const stamp =
  (name: string) =>
  (message: ProducerMessage): ProducerMessage => ({
    ...message,
    headers: {
      ...message.headers,
      order: `${message.headers?.order ?? ''}${message.headers?.order ? ',' : ''}${name}`,
    },
  });

describe('Producer features', () => {
  let harness: ProducerHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('middleware runs in order (prepend first), before validation, on every path', async () => {
    const topic = uniqueName('middleware');
    await createTopic(topic);
    harness = await producerHarness();
    const { producer } = harness;
    producer.middleware.append(stamp('a')).append(stamp('b')).prepend(stamp('first'));
    // Runs before validation: a message without topic is completed by a middleware.
    producer.middleware.append((message) => ({ ...message, topic: message.topic ?? topic }));
    expect(producer.middleware.size).toBe(4);

    await producer.produceSync({ payload: 'sync' } as ProducerMessage);
    await producer.produceAsync({ topic, payload: 'async' }).report;
    producer.buffer({ topic, payload: 'buffered' });
    await producer.flushSync();

    const read = await readMessages(topic, 3);
    expect(read.map((r) => r.message.value!.toString())).toEqual(['sync', 'async', 'buffered']);
    for (const { message } of read) expect(message.headers!.order!.toString()).toBe('first,a,b');
  });

  it('with({ acks: 0 }) is a cached variant on the same connection; the root keeps acks -1', async () => {
    const topic = uniqueName('variant');
    await createTopic(topic);
    harness = await producerHarness();
    const { producer } = harness;
    const fireAndForget = producer.with({ acks: 0 });
    expect(fireAndForget).not.toBe(producer);
    expect(producer.with({ acks: 0 })).toBe(fireAndForget);
    expect(producer.with({})).toBe(producer);
    expect(fireAndForget.acks).toBe(0);
    expect(producer.acks).toBe(-1);
    expect(fireAndForget.middleware).toBe(producer.middleware);

    const unacked = await fireAndForget.produceSync({ topic, payload: 'no ack' });
    expect(unacked).toMatchObject({ topic, partition: 0, offset: '-1' });
    const async = await fireAndForget.produceAsync({ topic, payload: 'no ack async' }).report;
    expect(async.offset).toBe('-1');
    const gzip = producer.with({ compression: 'gzip' });
    expect(gzip.compression).toBe('gzip');
    await gzip.produceSync({ topic, payload: 'x'.repeat(10_000) });
    const acked = await producer.produceSync({ topic, payload: 'acked' });
    expect(acked.offset).toBe('3');
    expect(await messageCount(topic)).toBe(4);
    const read = await readMessages(topic, 4);
    expect(read[2]!.message.value!.toString()).toBe('x'.repeat(10_000));

    expect(() => producer.with({ acks: 2 as never })).toThrow(InvalidProducerOptionsError);
    expect(() => producer.with({ compression: 'snappy' })).toThrow(
      /compression "snappy" needs a codec registered with kafkajs/,
    );
    expect(() => producer.with({ lingerMs: 1 } as never)).toThrow(/only acks and compression/);

    // Closing a variant closes the producer.
    await fireAndForget.close();
    expect(producer.closed).toBe(true);
  });

  it('idempotent: sends with acks -1 and refuses variants or config without it', async () => {
    const topic = uniqueName('idempotent');
    await createTopic(topic);
    harness = await producerHarness({ producer: { idempotent: true } });
    const reports = await harness.producer.produceManySync([
      { topic, payload: 'a' },
      { topic, payload: 'b' },
    ]);
    expect(reports.map((r) => r.offset)).toEqual(['0', '1']);
    expect(() => harness!.producer.with({ acks: 1 })).toThrow(
      /acks 1 is not allowed: the producer is idempotent/,
    );
    await expect(producerHarness({ producer: { idempotent: true, acks: 0 } })).rejects.toThrow(
      /producer.acks: must be -1 \(all\) when producer.idempotent is true/,
    );
  });

  it('buffer collects without sending; flushSync sends and reports, flushAsync queues', async () => {
    const topic = uniqueName('buffer');
    await createTopic(topic);
    harness = await producerHarness({}, ['buffer.flushed_sync', 'buffer.flushed_async']);
    const { producer } = harness;
    expect(producer.buffer({ topic, payload: 'one' })).toBe(1);
    expect(
      producer.bufferMany([
        { topic, payload: 'two' },
        { topic, payload: 'three' },
      ]),
    ).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await messageCount(topic)).toBe(0);

    const reports = await producer.flushSync();
    expect(reports.map((r) => r.offset)).toEqual(['0', '1', '2']);
    expect(producer.bufferSize).toBe(0);
    expect(await producer.flushSync()).toEqual([]);

    producer.bufferMany([
      { topic, payload: 'four' },
      { topic, payload: 'five' },
    ]);
    const handles = producer.flushAsync();
    expect(handles).toHaveLength(2);
    expect(producer.bufferSize).toBe(0);
    expect((await Promise.all(handles.map((h) => h.report))).map((r) => r.offset)).toEqual([
      '3',
      '4',
    ]);
    expect(
      harness.events.map((e) => [e.id, (e.payload as { messages: unknown[] }).messages.length]),
    ).toEqual([
      ['buffer.flushed_sync', 3],
      ['buffer.flushed_async', 2],
    ]);
  });

  it('publishes the producer events', async () => {
    const topic = uniqueName('events');
    await createTopic(topic);
    harness = await producerHarness({}, [
      'message.produced_sync',
      'message.produced_async',
      'messages.produced_sync',
      'messages.produced_async',
      'message.acknowledged',
      'producer.closed',
    ]);
    const { producer, events } = harness;
    await producer.produceSync({ topic, payload: 's', key: 'k1' });
    await producer.produceAsync({ topic, payload: 'a' }).report;
    await producer.produceManySync([{ topic, payload: 'ms' }]);
    await Promise.all(producer.produceManyAsync([{ topic, payload: 'ma' }]).map((h) => h.report));
    await harness.close();

    expect(events.map((e) => e.id)).toEqual([
      'message.acknowledged',
      'message.produced_sync',
      'message.produced_async',
      'message.acknowledged',
      'message.acknowledged',
      'messages.produced_sync',
      'messages.produced_async',
      'message.acknowledged',
      'producer.closed',
    ]);
    const producedSync = events[1]!;
    expect(producedSync.payload).toEqual({
      message: { topic, partition: 0, key: 'k1' },
      report: { topic, partition: 0, offset: '0', timestamp: expect.any(String) },
    });
    expect(producedSync.duration).toBeGreaterThan(0);
    expect(events[3]!.payload).toEqual({
      report: { topic, partition: 0, offset: '1', timestamp: expect.any(String) },
    });
    expect(events.at(-1)!.payload).toEqual({ pending: 0 });
  });
});
