import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import type {
  DeserializationInput,
  Deserializer,
} from '../../lib/serialization/serialization.interfaces.js';
import { createTopic, eventually, readTopic, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, produceRaw, startKarafkaApp } from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

const fast = {
  pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true },
  commit: { interval: 100, threshold: 0 },
};

/**
 * Resolves each payload after a delay that shrinks along the batch, so later messages finish
 * first: the payload order must still be the offset order. Counts how many run at once.
 */
class SlowJsonDeserializer implements Deserializer {
  running = 0;
  maxRunning = 0;
  calls = 0;
  async deserialize({ raw, offset }: DeserializationInput): Promise<unknown> {
    this.calls += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30 - (Number(offset) % 30))));
    this.running -= 1;
    const text = raw!.toString();
    if (text.startsWith('!')) throw new Error(`refused ${text}`);
    return JSON.parse(text);
  }
}

describe('async deserializers, on a real broker', () => {
  it('decodes a batch before consume, concurrently, payloads in offset order', async () => {
    const topic = uniqueName('async');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 60 }, (_, n) => ({ value: JSON.stringify({ n }) })),
    );
    const deserializer = new SlowJsonDeserializer();
    const seen: number[] = [];
    const payloadTypes = new Set<string>();

    @Consumer(topic, { batch: true, deserializer })
    class AsyncConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        for (const message of messages) {
          payloadTypes.add(typeof (message.payload as { then?: unknown }).then);
          seen.push(message.payload.n);
        }
      }
    }
    apps.push(await startKarafkaApp({ clientId: uniqueName('c'), providers: [AsyncConsumer] }));
    await eventually(() => seen.length >= 60, 20_000, '60 messages');
    expect(seen).toEqual(Array.from({ length: 60 }, (_, n) => n));
    expect([...payloadTypes]).toEqual(['undefined']); // a value, never a promise
    expect(deserializer.maxRunning).toBeGreaterThan(1); // concurrently within the batch
  });

  it('a rejected payload takes the usual path: event, retries, dead letter with the raw bytes', async () => {
    const topic = uniqueName('async-poison');
    const dlq = uniqueName('async-poison-dlq');
    await createTopic(topic, 1);
    await produceRaw(topic, [
      { value: '{"n":0}' },
      { value: '!poison', key: 'bad' },
      { value: '{"n":2}' },
    ]);
    const seen: number[] = [];

    @Consumer(topic, {
      batch: true,
      deserializer: new SlowJsonDeserializer(),
      deadLetter: { topic: dlq, maxRetries: 1 },
    })
    class PoisonConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        for (const message of messages) seen.push(message.payload.n);
      }
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [PoisonConsumer],
      options: fast,
      record: ['message.deserialize.error'],
    });
    apps.push(app);
    await eventually(() => seen.includes(2), 20_000, 'the message after the poison');
    const [letter] = await readTopic(dlq, 1);
    expect(letter).toMatchObject({ key: 'bad', value: '!poison' });
    expect(letter!.headers.karafka_error).toMatch(
      /MessageDeserializationError: Cannot deserialize .* at offset 1: refused !poison/,
    );
    const errors = app.events as KarafkaEvent<'message.deserialize.error'>[];
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((event) => event.payload.offset))).toEqual(new Set(['1']));
  });

  it('a deserializer that returns promises without being declared async is found out and the route switches', async () => {
    const topic = uniqueName('undeclared');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: '{"n":0}' }, { value: '{"n":1}' }]);
    const undeclared: Deserializer = {
      // Not `async`: returns a promise all the same.
      deserialize: ({ raw }) => Promise.resolve(JSON.parse(raw!.toString()) as unknown),
    };
    const seen: number[] = [];

    @Consumer(topic, { batch: true, deserializer: undeclared })
    class UndeclaredConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        for (const message of messages) seen.push(message.payload.n);
      }
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [UndeclaredConsumer],
      options: fast,
      record: ['message.deserialize.error'],
    });
    apps.push(app);
    await eventually(() => seen.length >= 2, 20_000, 'both messages');
    expect(seen).toEqual([0, 1]);
    const [first] = app.events as KarafkaEvent<'message.deserialize.error'>[];
    expect(String((first!.payload.error as Error).message)).toMatch(
      /returned a promise where a value was expected: from now on this route decodes payloads before consume/,
    );
    expect(app.events).toHaveLength(1);
  });
});
