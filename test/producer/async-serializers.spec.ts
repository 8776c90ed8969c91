import { afterEach, describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import { PayloadSerializationError } from '../../lib/producer/producer.error.js';
import type {
  SerializationContext,
  Serializer,
} from '../../lib/serialization/serialization.interfaces.js';
import { createTopic, readTopic, uniqueName } from '../support/kafka.js';
import { producerHarness, type ProducerHarness } from './producer-harness.js';

const harnesses: ProducerHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

/** Serializes after a delay that shrinks with `n`, so later payloads finish first. */
class SlowSerializer implements Serializer {
  readonly contexts: SerializationContext[] = [];
  async serialize(payload: unknown, context?: SerializationContext): Promise<string> {
    if (context) this.contexts.push(context);
    const { n, fail } = payload as { n: number; fail?: boolean };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 40 - n * 4)));
    if (fail) throw new Error(`cannot encode n=${n}`);
    return `slow:${n}`;
  }
}

describe('async serializers on the producer, on a real broker', () => {
  it('produceSync awaits the serializer and passes it the topic', async () => {
    const harness = await producerHarness({ serializer: SlowSerializer });
    harnesses.push(harness);
    const topic = uniqueName('sync');
    await createTopic(topic, 1);
    await harness.producer.produceSync({ topic, payload: { n: 1 }, key: 'k' });
    const [message] = await readTopic(topic, 1);
    expect(message!.value).toBe('slow:1');
  });

  it('produceAsync returns at once and keeps the call order, mixed with sync-serialized payloads', async () => {
    const harness = await producerHarness();
    harnesses.push(harness);
    const topic = uniqueName('async');
    await createTopic(topic, 1);
    const serializer = new SlowSerializer();
    const handles = [
      harness.producer.produceAsync({ topic, payload: { n: 0 }, serializer }),
      harness.producer.produceAsync({ topic, payload: { n: 1 }, serializer }),
      harness.producer.produceAsync({ topic, payload: 'plain' }),
      ...harness.producer.produceManyAsync([
        { topic, payload: { n: 9 }, serializer },
        { topic, payload: { json: true } },
      ]),
    ];
    // Returned before any serializer finished: nothing is queued for sending yet.
    expect(serializer.contexts.map((context) => context.topic)).toEqual([topic, topic, topic]);
    expect(harness.producer.pendingAsync).toBe(5);
    const reports = await Promise.all(handles.map((handle) => handle.report));
    expect(reports.map((report) => Number(report.offset))).toEqual([0, 1, 2, 3, 4]);
    const messages = await readTopic(topic, 5);
    expect(messages.map((message) => message.value)).toEqual([
      'slow:0',
      'slow:1',
      'plain',
      'slow:9',
      '{"json":true}',
    ]);
  });

  it('a failing async serializer rejects the handle and reports error.occurred; the others go out', async () => {
    const harness = await producerHarness({}, ['error.occurred']);
    harnesses.push(harness);
    const topic = uniqueName('async-fail');
    await createTopic(topic, 1);
    const serializer = new SlowSerializer();
    const bad = harness.producer.produceAsync({ topic, payload: { n: 3, fail: true }, serializer });
    const good = harness.producer.produceAsync({ topic, payload: { n: 4 }, serializer });
    await expect(bad.report).rejects.toBeInstanceOf(PayloadSerializationError);
    await expect(bad.report).rejects.toThrow(
      'payload cannot be serialized by SlowSerializer: cannot encode n=3',
    );
    expect((await good.report).offset).toBe('0');
    const [event] = harness.events as KarafkaEvent<'error.occurred'>[];
    expect(event!.payload).toMatchObject({ type: 'producer.produce_async.error', topic });
  });

  it('buffer + flushSync wait for async serializers; a failure rejects the flush', async () => {
    const harness = await producerHarness();
    harnesses.push(harness);
    const topic = uniqueName('buffered');
    await createTopic(topic, 1);
    const serializer = new SlowSerializer();
    harness.producer.buffer({ topic, payload: { n: 0 }, serializer });
    harness.producer.bufferMany([
      { topic, payload: { n: 5 }, serializer },
      { topic, payload: 'plain' },
    ]);
    const reports = await harness.producer.flushSync();
    expect(reports.map((report) => report.offset)).toEqual(['0', '1', '2']);
    expect((await readTopic(topic, 3)).map((message) => message.value)).toEqual([
      'slow:0',
      'slow:5',
      'plain',
    ]);
    harness.producer.buffer({ topic, payload: { n: 1, fail: true }, serializer });
    await expect(harness.producer.flushSync()).rejects.toThrow(/cannot encode n=1/);
  });
});
