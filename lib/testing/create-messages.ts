import type { StandardSchemaV1 } from '../validation/standard-schema.js';
import type { Type } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { Monitor } from '../instrumentation/monitor.js';
import { Message, type BatchContext } from '../messages/message.js';
import { Messages } from '../messages/messages.js';
import { createMessageParser } from '../processing/message-parser.js';
import type { Route } from '../routing/route.js';
import { JsonDeserializer, JsonSerializer } from '../serialization/json.js';
import type { Deserializer } from '../serialization/serialization.interfaces.js';

/** One message for `createMessages`: a payload plus the metadata a test cares about. */
export interface TestMessageInput {
  /** Serialized with JSON unless a string or Buffer; `null` is a tombstone. */
  payload: unknown;
  key?: string | null;
  headers?: Record<string, string>;
  /** Create time: a Date, epoch milliseconds, or a date string. Default: now. */
  timestamp?: Date | number | string;
}

/** Where the test messages come from and how they are parsed, as the route would. */
export interface CreateMessagesOptions {
  topic?: string;
  partition?: number;
  group?: string;
  /** Offset of the first message. Default 0. */
  firstOffset?: number;
  /** The route's deserializer. Default JSON. */
  deserializer?: Deserializer;
  /** The route's DTO class or Standard Schema, as `@Consumer(topic, { payload })`. */
  payload?: Type<object> | StandardSchemaV1;
  /** Receives `message.deserialize.error` events. Default: a fresh Monitor. */
  monitor?: Monitor;
}

const serializer = new JsonSerializer();

/**
 * Builds the `Messages` a consumer gets, without Kafka, for unit tests of `consume`:
 * real Message objects, lazily deserialized by the same code path as in production.
 * Plain values are payloads; `{ payload, key, headers }` objects carry metadata too
 * (use `createMessages([{ payload: {...} }])` when the payload itself has a `payload` key).
 */
export function createMessages<T = unknown>(
  inputs: ReadonlyArray<TestMessageInput | unknown>,
  options: CreateMessagesOptions = {},
): Messages<T> {
  const topic = options.topic ?? 'test_topic';
  const partition = options.partition ?? 0;
  const group = options.group ?? 'test_app';
  const monitor = options.monitor ?? new Monitor();
  const route = {
    topic,
    kafkaTopic: topic,
    group,
    groupId: group,
    deserializer: options.deserializer ?? new JsonDeserializer(),
    payload: options.payload,
    responders: [],
  } as unknown as Route;
  const context: BatchContext = {
    topic,
    partition,
    receivedAt: new Date(),
    parse: createMessageParser(route, monitor),
  };
  const first = options.firstOffset ?? 0;
  const list = inputs.map(
    (input, index) => new Message<T>(toKafkaMessage(input, first + index), context),
  );
  const lastOffset = String(first + Math.max(list.length - 1, 0));
  return new Messages<T>(list, {
    group,
    topic,
    partition,
    firstOffset: String(first),
    lastOffset,
    highWatermark: String(first + list.length),
    lag: 0,
    receivedAt: context.receivedAt,
    processedAt: new Date(),
  });
}

function isInput(value: unknown): value is TestMessageInput {
  return (
    typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && 'payload' in value
  );
}

function toKafkaMessage(input: unknown, offset: number): KafkaMessage {
  const spec: TestMessageInput = isInput(input) ? input : { payload: input };
  const value = serializer.serialize(spec.payload);
  // The shape of a record-batch entry, as kafkajs hands them to eachBatch.
  return {
    key: spec.key === undefined || spec.key === null ? null : Buffer.from(spec.key),
    value: value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value),
    timestamp: String(new Date(spec.timestamp ?? Date.now()).getTime()),
    attributes: 0,
    offset: String(offset),
    headers: Object.fromEntries(
      Object.entries(spec.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]),
    ),
  };
}
