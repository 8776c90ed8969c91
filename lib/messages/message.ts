import type { IHeaders, KafkaMessage } from 'kafkajs';

const UNPARSED = Symbol('unparsed');

/**
 * What every message of one fetched batch shares. One object per batch instead of per
 * message keeps the hot path allocation-light.
 */
export interface BatchContext {
  /** Route topic (after the topic mapper's `incoming`). */
  readonly topic: string;
  readonly partition: number;
  readonly receivedAt: Date;
  /** Deserializes and (with a DTO route) validates one raw value; throws on failure. */
  readonly parse: (message: Message) => unknown;
}

/**
 * One Kafka message. Metadata (key, headers, offset, partition, topic, timestamp) is read
 * without parsing; `payload` is deserialized on first access, once, and cached. A failed
 * deserialization throws (and is reported); the next access tries again.
 */
export class Message<T = unknown> {
  private parsed: T | typeof UNPARSED = UNPARSED;
  private decodedHeaders?: Readonly<Record<string, string | undefined>>;

  constructor(
    private readonly source: KafkaMessage,
    private readonly batch: BatchContext,
  ) {}

  /** The deserialized payload (lazy, cached). Throws MessageDeserializationError on failure. */
  get payload(): T {
    if (this.parsed === UNPARSED) this.parsed = this.batch.parse(this) as T;
    return this.parsed;
  }

  /** Whether `payload` was already deserialized. */
  get deserialized(): boolean {
    return this.parsed !== UNPARSED;
  }

  /** The raw value; `null` for a tombstone. */
  get raw(): Buffer | null {
    return this.source.value;
  }

  /** The key as UTF-8 text (`null` when the message has none). */
  get key(): string | null {
    return this.source.key === null || this.source.key === undefined
      ? null
      : this.source.key.toString('utf8');
  }

  get rawKey(): Buffer | null {
    return this.source.key ?? null;
  }

  /** Headers as UTF-8 strings (the first value of a repeated header). */
  get headers(): Readonly<Record<string, string | undefined>> {
    if (!this.decodedHeaders) {
      // fromEntries defines own properties: a header named "__proto__" is kept, not swallowed
      // by the prototype setter as `decoded[name] = value` would.
      const decoded = Object.fromEntries(
        Object.entries(this.source.headers ?? {}).map(([name, value]) => {
          const first = Array.isArray(value) ? value[0] : value;
          return [name, first === undefined ? undefined : first.toString()];
        }),
      ) as Record<string, string | undefined>;
      this.decodedHeaders = Object.freeze(decoded);
    }
    return this.decodedHeaders;
  }

  /** Headers exactly as received (Buffers, arrays for repeated names). */
  get rawHeaders(): IHeaders {
    return this.source.headers ?? {};
  }

  /** Offset as a decimal string (Kafka offsets are 64-bit). */
  get offset(): string {
    return this.source.offset;
  }

  get partition(): number {
    return this.batch.partition;
  }

  /** Route topic (after the topic mapper's `incoming`). */
  get topic(): string {
    return this.batch.topic;
  }

  /** Create/append time set by the producer or broker. */
  get timestamp(): Date {
    return new Date(Number(this.source.timestamp));
  }

  /** When this message's batch arrived from Kafka. */
  get receivedAt(): Date {
    return this.batch.receivedAt;
  }
}
