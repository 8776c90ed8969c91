import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaRoutingError } from '../../lib/routing/routing.error.js';
import {
  createTopic,
  eventually,
  readTopic,
  totalEndOffset,
  uniqueName,
} from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  produceRaw,
  startKarafkaApp,
} from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

const fast = {
  pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true },
  commit: { interval: 100, threshold: 0 },
};

describe('dead letter queue, on a real broker', () => {
  it('single mode: after maxRetries the poison message goes to the dead letter topic and consuming goes on', async () => {
    const topic = uniqueName('orders');
    const dlq = uniqueName('orders-dlq');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    await produceRaw(topic, [
      { value: '{"n":0}' },
      { value: '{"n":1}' },
      { key: 'bad-key', value: '{not json', headers: { trace: 't-2' } },
      { value: '{"n":3}' },
      { value: '{"n":4}' },
    ]);
    const seen: number[] = [];
    let poisonAttempts = 0;

    @Consumer(topic, { deadLetter: { topic: dlq, maxRetries: 2 } })
    class OrdersConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        if (messages.first!.offset === '2') poisonAttempts += 1;
        seen.push(messages.first!.payload.n);
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [OrdersConsumer],
      options: fast,
      record: ['dead_letter_queue.dispatched'],
    });
    apps.push(app);
    await eventually(() => seen.length >= 4, 20_000, 'the messages around the poison');
    expect(seen).toEqual([0, 1, 3, 4]);
    expect(poisonAttempts).toBe(3); // 1 + maxRetries
    const [letter] = await readTopic(dlq, 1);
    expect(await totalEndOffset(dlq)).toBe(1);
    expect(letter).toMatchObject({
      key: 'bad-key',
      value: '{not json',
      headers: {
        trace: 't-2',
        karafka_original_topic: topic,
        karafka_original_partition: '0',
        karafka_original_offset: '2',
        karafka_original_consumer_group: `${clientId}_app`,
        karafka_attempts: '3',
      },
    });
    expect(letter!.headers.karafka_error).toMatch(
      /MessageDeserializationError: Cannot deserialize/,
    );
    const dispatched = app.events as KarafkaEvent<'dead_letter_queue.dispatched'>[];
    expect(dispatched.map((e) => [e.payload.offset, e.payload.deadLetterTopic])).toEqual([
      ['2', dlq],
    ]);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, topic))[0] === '5',
      10_000,
      'commit',
    );
  });

  it('batch mode: the failing batch is replayed one by one so only the poison message is moved', async () => {
    const topic = uniqueName('batch-orders');
    const dlq = uniqueName('batch-dlq');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 6 }, (_, n) => ({ value: JSON.stringify({ n, poison: n === 3 }) })),
    );
    const processed = new Set<number>();

    @Consumer(topic, { batch: true, deadLetter: { topic: dlq, maxRetries: 1 } })
    class BatchOrdersConsumer extends BaseConsumer<{ n: number; poison: boolean }> {
      consume(messages: Messages<{ n: number; poison: boolean }>): void {
        for (const message of messages) {
          if (message.payload.poison) throw new Error(`cannot handle order ${message.payload.n}`);
          processed.add(message.payload.n);
        }
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [BatchOrdersConsumer],
      options: fast,
    });
    apps.push(app);
    await eventually(() => processed.size >= 5, 30_000, 'every good order');
    expect([...processed].sort()).toEqual([0, 1, 2, 4, 5]);
    const letters = await readTopic(dlq, 1);
    expect(await totalEndOffset(dlq)).toBe(1); // exactly one message was moved, not more
    expect(letters).toHaveLength(1);
    expect(letters[0]!.value).toBe('{"n":3,"poison":true}');
    expect(letters[0]!.headers.karafka_error).toBe('Error: cannot handle order 3');
  });

  it('batch mode: the poison message is in exactly maxRetries + 1 failed calls, as its header says', async () => {
    const topic = uniqueName('batch-attempts');
    const dlq = uniqueName('batch-attempts-dlq');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 6 }, (_, n) => ({ value: JSON.stringify({ n, poison: n === 3 }) })),
    );
    let callsWithPoison = 0;
    /** How many calls that succeeded held each message. */
    const succeeded = new Map<number, number>();

    @Consumer(topic, { batch: true, deadLetter: { topic: dlq, maxRetries: 2 } })
    class AttemptsConsumer extends BaseConsumer<{ n: number; poison: boolean }> {
      consume(messages: Messages<{ n: number; poison: boolean }>): void {
        if (messages.payloads.some((order) => order.poison)) {
          callsWithPoison += 1;
          throw new Error('cannot handle order 3');
        }
        for (const { n } of messages.payloads) succeeded.set(n, (succeeded.get(n) ?? 0) + 1);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [AttemptsConsumer],
      options: fast,
      record: ['dead_letter_queue.dispatched'],
    });
    apps.push(app);
    await eventually(() => succeeded.size >= 5, 30_000, 'every good order');
    const [letter] = await readTopic(dlq, 1);
    expect(callsWithPoison).toBe(3); // 1 + maxRetries: the batch call and the poison's own two
    expect(letter!.headers.karafka_attempts).toBe('3');
    expect(letter!.headers.karafka_original_offset).toBe('3');
    const dispatched = app.events as KarafkaEvent<'dead_letter_queue.dispatched'>[];
    expect(dispatched.map((e) => [e.payload.offset, e.payload.attempts])).toEqual([['3', 3]]);
    // The other orders of the batch: each done once, none moved.
    expect([...succeeded.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [4, 1],
      [5, 1],
    ]);
    expect(await totalEndOffset(dlq)).toBe(1);
  });

  it('refuses a dead letter topic that is the consumed topic, and bad retries, at boot', async () => {
    const topic = uniqueName('loop');
    @Consumer(topic, { deadLetter: { topic, maxRetries: -1 } })
    class LoopingConsumer extends BaseConsumer {
      consume(): void {}
    }
    const boot = startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [LoopingConsumer],
      listen: false,
    });
    await expect(boot).rejects.toThrow(KarafkaRoutingError);
    await expect(boot).rejects.toThrow(/deadLetter\.topic: must not be the consumed topic itself/);
    await expect(boot).rejects.toThrow(/deadLetter\.maxRetries: must be a whole number >= 0/);
  });
});
