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
import {
  InvalidMessageError,
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
    checkKey(key, where);
    const { partition, partitionKey, headers } = message;
    checkPartition(partition, partitionKey, where);
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
    if (value !== null) checkPayloadSize(value as string | Buffer, this.maxPayloadSize, where);
    return value as string | Buffer | null;
  }
}
