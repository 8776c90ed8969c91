import { isValidTopicName, TOPIC_NAME_RULE } from '../config/kafka-rules.js';
import {
  InvalidHeadersError,
  InvalidKeyError,
  InvalidPartitionError,
  InvalidTimestampError,
  InvalidTopicError,
  PartitionConflictError,
  PayloadTooLargeError,
  type MessageLocation,
} from './producer.error.js';

/*
 * The producer's message contract (WaterDrop's name for it): every check a message passes
 * before anything is sent, each throwing an InvalidMessageError subclass that names what to
 * fix. Plain functions on the hot path of produceAsync: nothing is allocated unless a message
 * is rejected.
 */

export function checkTopicName(
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
  if (!isValidTopicName(topic)) {
    const name = topic as string;
    throw new InvalidTopicError(
      `${what} "${name.length > 60 ? `${name.slice(0, 60)}...` : name}" is not a valid Kafka ` +
        `topic name: use ${TOPIC_NAME_RULE}`,
      where,
    );
  }
}

export function checkHeaders(headers: unknown, where: MessageLocation): void {
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

export function timestampOf(timestamp: unknown, where: MessageLocation): string {
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

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}

export function checkKey(key: unknown, where: MessageLocation): void {
  if (key !== null && typeof key !== 'string' && !Buffer.isBuffer(key)) {
    throw new InvalidKeyError(
      `key must be a string, a Buffer or null, got ${describe(key)}`,
      where,
    );
  }
}

export function checkPartition(
  partition: unknown,
  partitionKey: unknown,
  where: MessageLocation,
): void {
  if (partition !== undefined && !(Number.isInteger(partition) && (partition as number) >= 0)) {
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
        `give either partition (${String(partition)}) or partitionKey ("${partitionKey}"), not both`,
        where,
      );
    }
  }
}

/** A payload of exactly `limit` bytes is accepted; one byte more is not. */
export function checkPayloadSize(
  value: string | Buffer,
  limit: number,
  where: MessageLocation,
): void {
  if (typeof value === 'string') {
    // UTF-8 takes 1-3 bytes per UTF-16 unit: short strings need no byte count.
    if (value.length * 3 <= limit) return;
    const size = Buffer.byteLength(value, 'utf8');
    if (size > limit) throw new PayloadTooLargeError(size, limit, where);
  } else if (value.length > limit) {
    throw new PayloadTooLargeError(value.length, limit, where);
  }
}
