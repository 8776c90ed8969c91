/** What a deserializer gets: the raw value and the metadata, which never needs parsing. */
export interface DeserializationInput {
  readonly raw: Buffer | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/**
 * Turns a message's raw bytes into its payload. Called lazily, on the first access to
 * `message.payload`. Throwing marks the message as undeserializable (error path, retry).
 */
export interface Deserializer<T = unknown> {
  /** Turns a message's raw value (and metadata) into its payload; throwing makes it a deserialization error. */
  deserialize(input: DeserializationInput): T;
}

/** Turns a payload into the bytes a message carries. `null` stays a tombstone. */
export interface Serializer {
  /** Turns a payload into the bytes to send (`null` is a tombstone). */
  serialize(payload: unknown): Buffer | string | null;
}
