import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerMessage } from '../../lib/producer/producer-message.js';
import {
  InvalidHeadersError,
  InvalidKeyError,
  InvalidMessageError,
  InvalidPartitionError,
  InvalidTimestampError,
  InvalidTopicError,
  KarafkaProducerError,
  MissingPayloadError,
  PartitionConflictError,
  PayloadSerializationError,
  PayloadTooLargeError,
} from '../../lib/producer/producer.error.js';
import { KarafkaError } from '../../lib/errors/karafka.error.js';
import { createTopic, uniqueName } from '../support/kafka.js';
import { messageCount, producerHarness, type ProducerHarness } from './producer-harness.js';

/** Loosely typed on purpose: these are the mistakes TypeScript users make through `any`. */
type Loose = Record<string, unknown>;

describe('Producer message validation (nothing is sent)', () => {
  let harness: ProducerHarness;
  let topic: string;
  beforeAll(async () => {
    topic = uniqueName('validation');
    await createTopic(topic);
    harness = await producerHarness({ producer: { maxPayloadSize: 100 } });
  });
  afterAll(async () => {
    expect(await messageCount(topic)).toBe(0);
    await harness.close();
  });

  /** Every produce entry point rejects the message with the same error. */
  async function rejectsEverywhere(
    message: Loose,
    type: new (...args: never[]) => Error,
    text: RegExp,
  ): Promise<void> {
    const producer = harness.producer;
    const m = message as unknown as ProducerMessage;
    await expect(producer.produceSync(m)).rejects.toBeInstanceOf(type);
    await expect(producer.produceSync(m)).rejects.toThrow(text);
    expect(() => producer.produceAsync(m)).toThrow(type);
    expect(() => producer.buffer(m)).toThrow(text);
    expect(producer.bufferSize).toBe(0);
    expect(producer.pendingAsync).toBe(0);
  }

  it('topic: missing, empty, bad characters, too long', async () => {
    await rejectsEverywhere(
      { payload: 'x' },
      InvalidTopicError,
      /topic is required.*got undefined/,
    );
    await rejectsEverywhere({ topic: '', payload: 'x' }, InvalidTopicError, /topic is required/);
    await rejectsEverywhere(
      { topic: 'orders placed!', payload: 'x' },
      InvalidTopicError,
      /"orders placed!" is not a valid Kafka topic name: use 1-249 letters, digits/,
    );
    await rejectsEverywhere(
      { topic: 'a'.repeat(250), payload: 'x' },
      InvalidTopicError,
      /not a valid Kafka topic name/,
    );
  });

  it('payload: undefined, oversize (bytes, not characters), unserializable', async () => {
    await rejectsEverywhere({ topic }, MissingPayloadError, /payload is undefined; give an object/);
    await rejectsEverywhere(
      { topic, value: 'x' },
      MissingPayloadError,
      /the field is called payload, not value/,
    );
    await rejectsEverywhere(
      { topic, payload: Buffer.alloc(101) },
      PayloadTooLargeError,
      /payload is 101 bytes, over the limit of 100 bytes \(producer.maxPayloadSize\)/,
    );
    // 60 characters, 120 UTF-8 bytes.
    await rejectsEverywhere(
      { topic, payload: 'é'.repeat(60) },
      PayloadTooLargeError,
      /payload is 120 bytes, over the limit of 100/,
    );
    await rejectsEverywhere(
      { topic, payload: { text: 'x'.repeat(100) } },
      PayloadTooLargeError,
      /payload is 111 bytes/,
    );
    const circular: Loose = {};
    circular.self = circular;
    await rejectsEverywhere(
      { topic, payload: circular },
      PayloadSerializationError,
      /cannot be serialized by JsonSerializer/,
    );
    const error = (() => {
      try {
        harness.producer.produceAsync({ topic, payload: Buffer.alloc(500) });
      } catch (caught) {
        return caught as PayloadTooLargeError;
      }
    })();
    expect(error).toMatchObject({ size: 500, limit: 100 });
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect(error).toBeInstanceOf(KarafkaProducerError);
    expect(error).toBeInstanceOf(KarafkaError);
  });

  it('headers must be strings or Buffers', async () => {
    await rejectsEverywhere(
      { topic, payload: 'x', headers: { attempt: 3 } },
      InvalidHeadersError,
      /header "attempt" must be a string or a Buffer, got number 3 \(use String\(value\)\)/,
    );
    await rejectsEverywhere(
      { topic, payload: 'x', headers: ['a'] },
      InvalidHeadersError,
      /headers must be an object/,
    );
  });

  it('partition: a non-negative whole number, and not together with partitionKey', async () => {
    for (const partition of [-1, 1.5, '2', NaN]) {
      await rejectsEverywhere(
        { topic, payload: 'x', partition },
        InvalidPartitionError,
        /partition must be a non-negative whole number/,
      );
    }
    await rejectsEverywhere(
      { topic, payload: 'x', partition: 0, partitionKey: 'cart-1' },
      PartitionConflictError,
      /give either partition \(0\) or partitionKey \("cart-1"\), not both/,
    );
    await rejectsEverywhere(
      { topic, payload: 'x', partitionKey: 42 },
      InvalidPartitionError,
      /partitionKey must be a string/,
    );
  });

  it('key and timestamp types; a message must be an object', async () => {
    await rejectsEverywhere(
      { topic, payload: 'x', key: 42 },
      InvalidKeyError,
      /key must be a string/,
    );
    await rejectsEverywhere(
      { topic, payload: 'x', timestamp: 'yesterday' },
      InvalidTimestampError,
      /timestamp must be a Date, epoch milliseconds or a date string/,
    );
    await expect(harness.producer.produceSync(null as unknown as ProducerMessage)).rejects.toThrow(
      /a message must be an object \{ topic, payload \}, got null/,
    );
  });

  it('many/buffer calls are all-or-nothing and say which message is wrong', async () => {
    const producer = harness.producer;
    const batch = [
      { topic, payload: 'fine' },
      { topic, payload: 'fine too' },
      { topic: 'no spaces allowed', payload: 'x' },
    ] as ProducerMessage[];
    await expect(producer.produceManySync(batch)).rejects.toThrow(
      /Invalid message at index 2 to "no spaces allowed": topic "no spaces allowed" is not a valid/,
    );
    expect(() => producer.produceManyAsync(batch)).toThrow(InvalidTopicError);
    expect(() => producer.bufferMany(batch)).toThrow(/at index 2/);
    expect(producer.bufferSize).toBe(0);
    expect(producer.pendingAsync).toBe(0);
    try {
      producer.produceManyAsync(batch);
    } catch (error) {
      expect((error as InvalidMessageError).index).toBe(2);
    }
  });
});
