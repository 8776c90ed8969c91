/**
 * OffsetFetch v7 (KIP-447 `require_stable`), which kafkajs 2.2 does not speak (it stops at v4).
 *
 * The group coordinator applies a committed transaction's offsets only when it has written the
 * transaction's marker, after the producer's commit has returned and even after a new producer
 * of the same transactional id has been initialised. A plain OffsetFetch read in that window
 * answers the offset from before the transaction; with `require_stable` Kafka answers
 * UNSTABLE_OFFSET_COMMIT instead, and the caller asks again.
 *
 * v7 is a "flexible" version: compact strings and arrays, tagged fields, and request header v2
 * (header v1 plus an empty tagged-field section). kafkajs writes header v1, so the request body
 * starts with that empty section; likewise the response body starts with the response header's
 * tagged fields, which kafkajs leaves in the payload.
 */

/** The OffsetFetch API key and the version sent. */
export const OFFSET_FETCH_API_KEY = 9;
export const OFFSET_FETCH_STABLE_VERSION = 7;
/** Kafka's error code: a transaction holding offsets for the partition is not complete yet. */
export const UNSTABLE_OFFSET_COMMIT = 88;

/** One partition's answer: its committed offset (-1: none) and Kafka's error code (0: none). */
export interface StableOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly errorCode: number;
}

/** A decoded OffsetFetch v7 response: the group-level error code and each partition's answer. */
export interface StableOffsetFetchResponse {
  readonly errorCode: number;
  readonly partitions: readonly StableOffset[];
}

/** The body of an OffsetFetch v7 request with `require_stable` (header tagged fields first). */
export function encodeStableOffsetFetch(
  groupId: string,
  topics: ReadonlyMap<string, readonly number[]>,
): Buffer {
  const parts: Buffer[] = [uvarint(0), compactString(groupId), uvarint(topics.size + 1)];
  for (const [topic, partitions] of topics) {
    parts.push(compactString(topic), uvarint(partitions.length + 1));
    for (const partition of partitions) parts.push(int32(partition));
    parts.push(uvarint(0));
  }
  parts.push(Buffer.from([1]), uvarint(0));
  return Buffer.concat(parts);
}

/** Decodes an OffsetFetch v7 response body (response header tagged fields first). */
export function decodeStableOffsetFetch(body: Buffer): StableOffsetFetchResponse {
  const reader = new Reader(body);
  reader.skipTaggedFields();
  reader.int32(); // throttle_time_ms
  const partitions: StableOffset[] = [];
  const topicCount = reader.compactLength();
  for (let t = 0; t < topicCount; t++) {
    const topic = reader.compactString() ?? '';
    const partitionCount = reader.compactLength();
    for (let p = 0; p < partitionCount; p++) {
      const partition = reader.int32();
      const offset = reader.int64();
      reader.int32(); // committed_leader_epoch
      reader.compactString(); // metadata
      const errorCode = reader.int16();
      reader.skipTaggedFields();
      partitions.push({ topic, partition, offset, errorCode });
    }
    reader.skipTaggedFields();
  }
  const errorCode = reader.int16();
  reader.skipTaggedFields();
  return { errorCode, partitions };
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value >>> 0;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function compactString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([uvarint(bytes.length + 1), bytes]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

class Reader {
  private at = 0;

  constructor(private readonly buffer: Buffer) {}

  int16(): number {
    const value = this.buffer.readInt16BE(this.at);
    this.at += 2;
    return value;
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  int64(): bigint {
    const value = this.buffer.readBigInt64BE(this.at);
    this.at += 8;
    return value;
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.at >= this.buffer.length) throw new RangeError('OffsetFetch response is truncated');
      const byte = this.buffer[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }

  /** A compact array's element count (a null array counts as empty). */
  compactLength(): number {
    return Math.max(this.uvarint() - 1, 0);
  }

  compactString(): string | undefined {
    const length = this.uvarint() - 1;
    if (length < 0) return undefined;
    const value = this.buffer.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      // Read the size first: `this.at += this.uvarint()` would add it to the position before the read.
      const size = this.uvarint();
      this.at += size;
    }
  }
}
