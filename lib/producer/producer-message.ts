import type { Serializer } from '../serialization/serialization.interfaces.js';
import type { Acks, CompressionName } from '../config/karafka-options.js';

/** What a message's payload can be. Objects go through the serializer (JSON by default). */
export type ProducerPayload = object | string | Buffer | null;

/** One message to produce. */
export interface ProducerMessage {
  /** Route topic (the topic mapper's `outgoing()` gives the Kafka topic). Required. */
  topic: string;
  /**
   * The value: an object (serialized, JSON by default), a string or a Buffer (sent as they are),
   * or `null` for a tombstone. `undefined` is rejected.
   */
  payload: ProducerPayload;
  key?: string | Buffer | null;
  /** Explicit partition (a non-negative whole number). Excludes `partitionKey`. */
  partition?: number;
  /**
   * Picks the partition from this value the way the Java client's default partitioner picks it
   * from a key (murmur2), without making it the message key. Excludes `partition`.
   */
  partitionKey?: string;
  headers?: Record<string, string | Buffer>;
  /** Create time: a Date, epoch milliseconds, or a date string. Default: when it is sent. */
  timestamp?: Date | number | string;
  /**
   * Serializer of this message's payload (e.g. a schema registry serializer). Default: the
   * module's (JSON). Strings, Buffers and `null` are sent as they are, whatever it says.
   */
  serializer?: Serializer;
}

/** Where a message landed, once the broker acknowledged it. */
export interface DeliveryReport {
  /** The topic as given in the message (route topic). */
  topic: string;
  /** The Kafka topic, when the topic mapper changed it. */
  kafkaTopic?: string;
  partition: number;
  /** Offset as a decimal string; `'-1'` when sent with `acks: 0` (the broker does not say). */
  offset: string;
  /** Create time (or log append time when the topic uses it), epoch ms as a string. */
  timestamp: string;
}

/** What `produceAsync` returns at once. */
export interface DeliveryHandle {
  /**
   * Settles once the message's batch was sent: resolves with its report, rejects with the
   * delivery error. Created on first access; ignoring it never causes an unhandled rejection.
   */
  readonly report: Promise<DeliveryReport>;
}

/** Send settings a variant (`producer.with(...)`) overrides. */
export interface ProducerVariantOptions {
  acks?: Acks;
  compression?: CompressionName;
}

/** A middleware step: gets a message, returns the message to produce (it may be a new object). */
export type ProducerMiddleware = (message: ProducerMessage) => ProducerMessage;
