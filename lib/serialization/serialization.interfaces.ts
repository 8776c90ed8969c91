/** What a deserializer gets: the raw value and the metadata, which never needs parsing. */
export interface DeserializationInput {
  readonly raw: Buffer | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** How a route's payloads are encoded, for `karafka info` and `karafka topics`. */
export interface SchemaDescription {
  /** The encoding, e.g. `AVRO`, `PROTOBUF`, `JSON` (JSON Schema), or `schema registry`. */
  readonly format: string;
  /** The schema registry subject the topic's values are registered under. */
  readonly subject?: string;
}

/**
 * Turns a message's raw bytes into its payload. A sync deserializer is called lazily, on the
 * first access to `message.payload`. One that returns a promise (declare the method `async`)
 * makes its route decode every payload of a batch before `consume` is called, concurrently and
 * in order. Throwing (or rejecting) makes the message undeserializable (error path, retry,
 * dead letter queue).
 */
export interface Deserializer<T = unknown> {
  /** Turns a message's raw value (and metadata) into its payload; throwing makes it a deserialization error. */
  deserialize(input: DeserializationInput): T | Promise<T>;
  /**
   * `true` when `deserialize` may return a promise although it is not declared `async` (e.g. only
   * on a cache miss): its route then decodes ahead from the first batch on.
   */
  readonly async?: boolean;
  /** How the payloads of `kafkaTopic` are encoded (shown by `karafka info` and `karafka topics`). */
  describeSchema?(kafkaTopic: string): SchemaDescription | Promise<SchemaDescription>;
}

/** Where a payload goes, for serializers that depend on it (a schema registry subject per topic). */
export interface SerializationContext {
  /** Route topic, as given to the producer or to `respondTo`. */
  readonly topic: string;
  /** Kafka topic (after the topic mapper). */
  readonly kafkaTopic: string;
  readonly key?: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
}

/**
 * Turns a payload into the bytes a message carries. `null` stays a tombstone. May return a
 * promise: `produce*` and responders wait for it before validating and sending, and
 * `produceAsync` still returns at once.
 */
export interface Serializer {
  /** Turns a payload into the bytes to send (`null` is a tombstone). */
  serialize(
    payload: unknown,
    context?: SerializationContext,
  ): Buffer | string | null | Promise<Buffer | string | null>;
}
