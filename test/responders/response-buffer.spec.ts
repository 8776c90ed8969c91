import { afterEach, describe, expect, it } from 'vitest';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import {
  ResponderDeliveryError,
  ResponderUsageError,
} from '../../lib/responders/responder.error.js';
import { ResponseBuffer } from '../../lib/responders/response-buffer.js';
import { createTopic, uniqueName } from '../support/kafka.js';
import {
  messageCount,
  producerHarness,
  readMessages,
  type ProducerHarness,
} from '../producer/producer-harness.js';
import { routeOf } from './responder-routes.js';

class OrdersConsumer {}

const orders = routeOf(OrdersConsumer, 'orders', [
  { topic: 'orders_placed' },
  { topic: 'audit', required: false, multiple: true },
  { topic: 'alerts', required: false },
]);

function buffer(...topics: string[]): ResponseBuffer {
  const responses = new ResponseBuffer();
  for (const topic of topics) responses.add(topic, { topic });
  return responses;
}

function problemsOf(responses: ResponseBuffer): readonly string[] {
  try {
    responses.validate(orders);
  } catch (error) {
    expect(error).toBeInstanceOf(ResponderUsageError);
    return (error as ResponderUsageError).problems;
  }
  return [];
}

describe('ResponseBuffer.validate', () => {
  it('accepts a valid call: required once, optional unused, multiple many times', () => {
    expect(problemsOf(buffer('orders_placed'))).toEqual([]);
    expect(problemsOf(buffer('orders_placed', 'audit', 'audit', 'audit', 'alerts'))).toEqual([]);
  });

  it('a required topic not responded to', () => {
    expect(() => buffer('audit').validate(orders)).toThrow(
      'OrdersConsumer did not respond to required topic "orders_placed"',
    );
  });

  it('a single topic responded to twice', () => {
    expect(() => buffer('orders_placed', 'orders_placed').validate(orders)).toThrow(
      'OrdersConsumer responded 2 times to "orders_placed", declared single (use { multiple: true })',
    );
  });

  it('an undeclared topic', () => {
    expect(() => buffer('orders_placed', 'billing').validate(orders)).toThrow(
      'OrdersConsumer responded to "billing" which it does not declare with @Responds',
    );
  });

  it('reports every problem of the call at once', () => {
    const responses = buffer('billing', 'alerts', 'alerts');
    expect(problemsOf(responses)).toEqual([
      'OrdersConsumer responded to "billing" which it does not declare with @Responds',
      'OrdersConsumer responded 2 times to "alerts", declared single (use { multiple: true })',
      'OrdersConsumer did not respond to required topic "orders_placed"',
    ]);
    expect(() => responses.validate(orders)).toThrow(
      /^OrdersConsumer used its responders wrongly \(3 problems\):\n {2}- OrdersConsumer responded to "billing"/,
    );
  });

  it('a consumer without @Responds and without responses is fine', () => {
    expect(() => new ResponseBuffer().validate(routeOf(OrdersConsumer, 'pings', []))).not.toThrow();
  });
});

describe('ResponseBuffer.deliver (real broker, real Producer)', () => {
  let harness: ProducerHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const ref = { group: 'test_app', topic: 'orders', partition: 0 };

  it('sends every response in one acknowledged call to the mapped topics, then publishes responder.responded', async () => {
    const prefix = `${uniqueName('tenant')}.`;
    await createTopic(`${prefix}orders_placed`);
    await createTopic(`${prefix}audit`);
    harness = await producerHarness({ topicMapper: new PrefixTopicMapper(prefix) }, [
      'responder.responded',
      'messages.produced_sync',
    ]);
    const route = routeOf(OrdersConsumer, 'orders', [
      { topic: 'orders_placed' },
      {
        topic: 'audit',
        required: false,
        multiple: true,
        serializer: { serialize: (payload) => `audit:${JSON.stringify(payload)}` },
      },
    ]);
    const responses = new ResponseBuffer();
    responses.add('orders_placed', { id: 1 }, { key: 'order-1', headers: { source: 'orders' } });
    responses.add('audit', { seen: 1 });
    responses.add('audit', { seen: 2 }, { partition: 0 });
    responses.validate(route);
    await responses.deliver(harness.producer, route, harness.monitor, ref);

    expect(await messageCount(`${prefix}orders_placed`)).toBe(1);
    expect(await messageCount(`${prefix}audit`)).toBe(2);
    const [placed] = await readMessages(`${prefix}orders_placed`, 1);
    expect(JSON.parse(placed!.message.value!.toString())).toEqual({ id: 1 });
    expect(placed!.message.key!.toString()).toBe('order-1');
    expect(placed!.message.headers!.source!.toString()).toBe('orders');
    const audit = await readMessages(`${prefix}audit`, 2);
    expect(audit.map((r) => r.message.value!.toString())).toEqual([
      'audit:{"seen":1}',
      'audit:{"seen":2}',
    ]);

    expect(harness.events.map((e) => e.id)).toEqual([
      'messages.produced_sync',
      'responder.responded',
    ]);
    expect(harness.events[1]!.payload).toEqual({
      ...ref,
      responses: { orders_placed: 1, audit: 2 },
    });
  });

  it('sends nothing when the usage is invalid, nor when a serializer fails', async () => {
    const topic = uniqueName('orders_placed');
    const other = uniqueName('audit');
    await createTopic(topic);
    await createTopic(other);
    harness = await producerHarness();
    const route = routeOf(OrdersConsumer, 'orders', [
      { topic },
      {
        topic: other,
        required: false,
        serializer: {
          serialize: () => {
            throw new Error('schema mismatch');
          },
        },
      },
    ]);
    const events: string[] = [];
    const monitor = new Monitor();
    monitor.subscribe('responder.responded', (event) => void events.push(event.id));

    const invalid = new ResponseBuffer();
    invalid.add(topic, { id: 1 });
    invalid.add(topic, { id: 2 });
    await expect(invalid.deliver(harness.producer, route, monitor, ref)).rejects.toThrow(
      ResponderUsageError,
    );

    const unserializable = new ResponseBuffer();
    unserializable.add(topic, { id: 1 });
    unserializable.add(other, { id: 1 });
    const failure = unserializable.deliver(harness.producer, route, monitor, ref);
    await expect(failure).rejects.toBeInstanceOf(ResponderDeliveryError);
    await expect(failure).rejects.toThrow(
      `OrdersConsumer: the response to "${other}" cannot be serialized by its serializer: schema mismatch`,
    );

    expect(await messageCount(topic)).toBe(0);
    expect(await messageCount(other)).toBe(0);
    expect(events).toEqual([]);
  });
});
