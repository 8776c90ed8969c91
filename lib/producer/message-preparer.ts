import type { TopicMapper } from '../mapping/topic-mapper.js';
import type { Serializer } from '../serialization/serialization.interfaces.js';
import type { ProducerMiddlewareChain } from './middleware.js';
import { OutgoingMessage } from './outgoing-message.js';
import type { ProducerMessage } from './producer-message.js';
import {
  checkHeaders,
  checkKey,
  checkPartition,
  checkPayloadSize,
  checkTopicName,
  describe,
  timestampOf,
} from './message.contract.js';
import { isThenable } from '../utils/thenable.js';
import {
  InvalidMessageError,
  KarafkaProducerError,
  MissingPayloadError,
  PayloadSerializationError,
  type MessageLocation,
} from './producer.error.js';

/** Validated topics are remembered (route topic -> Kafka topic); bounded for apps with dynamic names. */
const TOPIC_CACHE_LIMIT = 10_000;

/**
 * Turns what the user passes into an OutgoingMessage: middleware, then every check of the
 * message contract (message.contract.ts), then serialization. Throws an InvalidMessageError subclass naming what to fix; nothing of a
 * rejected call is sent. Runs on the hot path of `produceAsync`, so the common case does
 * no allocation besides the OutgoingMessage.
 */
export class MessagePreparer {
  private readonly topics = new Map<string, string>();

  constructor(
    private readonly middleware: ProducerMiddlewareChain,
    private readonly mapper: TopicMapper,
    private readonly serializer: Serializer,
    private readonly maxPayloadSize: number,
  ) {}

  /**
   * The message to send, or a promise of it when its serializer is async (every check that
   * does not need the bytes has passed by then; the serializer's failure rejects it).
   */
  prepare(input: ProducerMessage, index?: number): OutgoingMessage | Promise<OutgoingMessage> {
    const message = this.middleware.size ? this.middleware.run(input) : input;
    if (message === null || typeof message !== 'object') {
      throw new InvalidMessageError(
        `a message must be an object { topic, payload }, got ${describe(message)}` +
          (message === input ? '' : ' (returned by a middleware)'),
        { index },
      );
    }
    const where: MessageLocation = { topic: message.topic, index };
    const topic = message.topic;
    const kafkaTopic = this.kafkaTopic(topic, where);
    const value = this.value(message, kafkaTopic, where);
    const key = message.key ?? null;
    checkKey(key, where);
    const { partition, partitionKey, headers } = message;
    checkPartition(partition, partitionKey, where);
    if (headers !== undefined) checkHeaders(headers, where);
    const timestamp =
      message.timestamp === undefined ? undefined : timestampOf(message.timestamp, where);
    const build = (bytes: string | Buffer | null) =>
      new OutgoingMessage(
        topic,
        kafkaTopic,
        key,
        bytes,
        headers,
        timestamp,
        partition,
        partitionKey,
      );
    return isThenable(value) ? value.then(build) : build(value);
  }

  /**
   * All or nothing: the first invalid message rejects the whole list (a promise of the list
   * when a serializer is async).
   */
  prepareMany(inputs: readonly ProducerMessage[]): OutgoingMessage[] | Promise<OutgoingMessage[]> {
    if (!Array.isArray(inputs)) {
      throw new InvalidMessageError(`expected an array of messages, got ${describe(inputs)}`);
    }
    const prepared = new Array<OutgoingMessage | Promise<OutgoingMessage>>(inputs.length);
    let pending = false;
    for (let i = 0; i < inputs.length; i++) {
      const message = this.prepare(inputs[i]!, i);
      if (isThenable(message)) {
        pending = true;
        // Awaited below; a later sync failure must not leave this one unhandled.
        message.catch(() => undefined);
      }
      prepared[i] = message;
    }
    return pending ? Promise.all(prepared) : (prepared as OutgoingMessage[]);
  }

  private kafkaTopic(topic: unknown, where: MessageLocation): string {
    if (typeof topic === 'string') {
      const known = this.topics.get(topic);
      if (known !== undefined) return known;
    }
    checkTopicName(topic, 'topic', where);
    const kafkaTopic = this.mapper.outgoing(topic);
    checkTopicName(kafkaTopic, `topic mapped by the topic mapper from "${topic}"`, where);
    if (this.topics.size >= TOPIC_CACHE_LIMIT) this.topics.clear();
    this.topics.set(topic, kafkaTopic);
    return kafkaTopic;
  }

  private value(
    message: ProducerMessage,
    kafkaTopic: string,
    where: MessageLocation,
  ): string | Buffer | null | Promise<string | Buffer | null> {
    const payload: unknown = message.payload;
    let value: unknown;
    if (payload === null || typeof payload === 'string' || Buffer.isBuffer(payload)) {
      value = payload;
    } else if (payload === undefined) {
      const hint = 'value' in message ? ' (the field is called payload, not value)' : '';
      throw new MissingPayloadError(
        `payload is undefined${hint}; give an object, a string, a Buffer, or null for a tombstone`,
        where,
      );
    } else {
      const serializer = message.serializer ?? this.serializer;
      try {
        value = serializer.serialize(payload, {
          topic: message.topic,
          kafkaTopic,
          key: message.key ?? null,
          headers: message.headers,
        });
      } catch (error) {
        throw serializationError(serializer, error, where);
      }
      if (isThenable(value)) {
        return Promise.resolve(value).then(
          (bytes) => this.checkBytes(serializer, bytes, where),
          (error: unknown) => {
            throw serializationError(serializer, error, where);
          },
        );
      }
      return this.checkBytes(serializer, value, where);
    }
    if (value !== null) checkPayloadSize(value as string | Buffer, this.maxPayloadSize, where);
    return value as string | Buffer | null;
  }

  private checkBytes(
    serializer: Serializer,
    value: unknown,
    where: MessageLocation,
  ): string | Buffer | null {
    if (value !== null && typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new PayloadSerializationError(
        `${nameOf(serializer)}.serialize() must return a string, a Buffer or null, ` +
          `got ${describe(value)}`,
        where,
      );
    }
    if (value !== null) checkPayloadSize(value, this.maxPayloadSize, where);
    return value;
  }
}

/**
 * A serializer's failure, with the serializer's words. A KarafkaProducerError it threw (the
 * schema registry's, naming subject and field) is kept as it is.
 */
function serializationError(
  serializer: Serializer,
  error: unknown,
  where: MessageLocation,
): KarafkaProducerError {
  if (error instanceof KarafkaProducerError) return error;
  return new PayloadSerializationError(
    `payload cannot be serialized by ${nameOf(serializer)}: ${
      error instanceof Error ? error.message : String(error)
    }`,
    where,
  );
}

function nameOf(serializer: Serializer): string {
  const name = (serializer as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? name : 'the serializer';
}
