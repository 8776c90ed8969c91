import type { TopicMapper } from '../mapping/topic-mapper.js';
import { TOPIC_NAME_PATTERN } from '../routing/constants.js';
import type { Serializer } from '../serialization/serialization.interfaces.js';
import type { ProducerMiddlewareChain } from './middleware.js';
import { OutgoingMessage } from './outgoing-message.js';
import type { ProducerMessage } from './producer-message.js';
import {
  InvalidHeadersError,
  InvalidKeyError,
  InvalidMessageError,
  InvalidPartitionError,
  InvalidTimestampError,
  InvalidTopicError,
  MissingPayloadError,
  PartitionConflictError,
  PayloadSerializationError,
  PayloadTooLargeError,
  type MessageLocation,
} from './producer.errors.js';

const MAX_TOPIC_LENGTH = 249;
/** Validated topics are remembered (route topic -> Kafka topic); bounded for apps with dynamic names. */
const TOPIC_CACHE_LIMIT = 10_000;

/**
 * Turns what the user passes into an OutgoingMessage: middleware, then every check, then
 * serialization. Throws an InvalidMessageError subclass naming what to fix; nothing of a
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

  prepare(input: ProducerMessage, index?: number): OutgoingMessage {
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
    const value = this.value(message, where);
    const key = message.key ?? null;
    if (key !== null && typeof key !== 'string' && !Buffer.isBuffer(key)) {
      throw new InvalidKeyError(
        `key must be a string, a Buffer or null, got ${describe(key)}`,
        where,
      );
    }
    const { partition, partitionKey, headers } = message;
    if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0)) {
      throw new InvalidPartitionError(
        `partition must be a non-negative whole number, got ${describe(partition)}`,
        where,
      );
    }
    if (partitionKey !== undefined) {
      if (typeof partitionKey !== 'string') {
        throw new InvalidPartitionError(
          `partitionKey must be a string, got ${describe(partitionKey)}`,
          where,
        );
      }
      if (partition !== undefined) {
        throw new PartitionConflictError(
          `give either partition (${partition}) or partitionKey ("${partitionKey}"), not both`,
          where,
        );
      }
    }
    if (headers !== undefined) checkHeaders(headers, where);
    return new OutgoingMessage(
      topic,
      kafkaTopic,
      key,
      value,
      headers,
      message.timestamp === undefined ? undefined : timestampOf(message.timestamp, where),
      partition,
      partitionKey,
    );
  }

  /** All or nothing: the first invalid message rejects the whole list. */
  prepareMany(inputs: readonly ProducerMessage[]): OutgoingMessage[] {
    if (!Array.isArray(inputs)) {
      throw new InvalidMessageError(`expected an array of messages, got ${describe(inputs)}`);
    }
    const prepared = new Array<OutgoingMessage>(inputs.length);
    for (let i = 0; i < inputs.length; i++) prepared[i] = this.prepare(inputs[i]!, i);
    return prepared;
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

  private value(message: ProducerMessage, where: MessageLocation): string | Buffer | null {
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
      try {
        value = this.serializer.serialize(payload);
      } catch (error) {
        throw new PayloadSerializationError(
          `payload cannot be serialized by ${this.serializer.constructor.name}: ${
            error instanceof Error ? error.message : String(error)
          }`,
          where,
        );
      }
      if (value !== null && typeof value !== 'string' && !Buffer.isBuffer(value)) {
        throw new PayloadSerializationError(
          `${this.serializer.constructor.name}.serialize() must return a string, a Buffer or null, ` +
            `got ${describe(value)}`,
          where,
        );
      }
    }
    if (value !== null) this.checkSize(value as string | Buffer, where);
    return value as string | Buffer | null;
  }

  private checkSize(value: string | Buffer, where: MessageLocation): void {
    const limit = this.maxPayloadSize;
    if (typeof value === 'string') {
      // UTF-8 takes 1-3 bytes per UTF-16 unit: short strings need no byte count.
      if (value.length * 3 <= limit) return;
      const size = Buffer.byteLength(value, 'utf8');
      if (size > limit) throw new PayloadTooLargeError(size, limit, where);
    } else if (value.length > limit) {
      throw new PayloadTooLargeError(value.length, limit, where);
    }
  }
}

function checkTopicName(
  topic: unknown,
  what: string,
  where: MessageLocation,
): asserts topic is string {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new InvalidTopicError(
      `${what} is required: a non-empty string, got ${describe(topic)}`,
      where,
    );
  }
  if (topic.length > MAX_TOPIC_LENGTH || !TOPIC_NAME_PATTERN.test(topic)) {
    throw new InvalidTopicError(
      `${what} "${topic.length > 60 ? `${topic.slice(0, 60)}...` : topic}" is not a valid Kafka ` +
        `topic name: use 1-${MAX_TOPIC_LENGTH} letters, digits, ".", "_" or "-"`,
      where,
    );
  }
}

function checkHeaders(headers: unknown, where: MessageLocation): void {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new InvalidHeadersError(
      `headers must be an object { name: string | Buffer }, got ${describe(headers)}`,
      where,
    );
  }
  for (const name in headers) {
    const value = (headers as Record<string, unknown>)[name];
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) {
      throw new InvalidHeadersError(
        `header "${name}" must be a string or a Buffer, got ${describe(value)}` +
          (typeof value === 'number' || typeof value === 'boolean' ? ` (use String(value))` : ''),
        where,
      );
    }
  }
}

function timestampOf(timestamp: unknown, where: MessageLocation): string {
  let ms = NaN;
  if (timestamp instanceof Date) ms = timestamp.getTime();
  else if (typeof timestamp === 'number') ms = timestamp;
  else if (typeof timestamp === 'string')
    ms = /^\d+$/.test(timestamp) ? Number(timestamp) : Date.parse(timestamp);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new InvalidTimestampError(
      `timestamp must be a Date, epoch milliseconds or a date string, got ${describe(timestamp)}`,
      where,
    );
  }
  return String(ms);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}
