/** The encodings a Confluent-compatible schema registry knows (`JSON` is JSON Schema). */
export type SchemaFormat = 'AVRO' | 'PROTOBUF' | 'JSON';

/** A schema to encode with: its format and its text (or, for Avro and JSON Schema, its object). */
export interface SchemaDefinition {
  readonly format: SchemaFormat;
  /** The schema: Avro JSON, a `.proto` file's text, or a JSON Schema. */
  readonly schema: string | object;
}

/** What a subject name strategy gets. */
export interface SubjectNameContext {
  /** Kafka topic (after the topic mapper). */
  readonly topic: string;
  /** The schema's record name (Avro `namespace.name`, Protobuf `package.Message`, JSON Schema `title`). */
  readonly recordName?: string;
}

/**
 * How the subject of a topic's values is named: `topic` (`<topic>-value`, Confluent's default),
 * `record` (the record name), `topic-record` (`<topic>-<record name>`), or a function.
 */
export type SubjectNameStrategy =
  'topic' | 'record' | 'topic-record' | ((context: SubjectNameContext) => string);

/** Basic authentication for the registry. */
export interface SchemaRegistryAuth {
  readonly username: string;
  readonly password: string;
}

/** Options of `SchemaRegistryModule.forRoot()`. */
export interface SchemaRegistryModuleOptions {
  /** Base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:8081`. */
  url: string;
  auth?: SchemaRegistryAuth;
  /** Serializers register their schema when the subject does not have it yet. Default false. */
  autoRegister?: boolean;
  /** Subject naming of serializers (and of `karafka info`). Default `'topic'`. */
  subjectStrategy?: SubjectNameStrategy;
}

/** Options of one schema registry serializer. */
export interface SchemaRegistrySerializerOptions {
  /**
   * The schema to encode with. Without it the subject's latest registered version is used
   * (and nothing is ever registered).
   */
  schema?: SchemaDefinition;
  /** A fixed subject instead of the strategy's. */
  subject?: string;
  /** Overrides the module's `subjectStrategy`. */
  subjectStrategy?: SubjectNameStrategy;
  /** Overrides the module's `autoRegister`. */
  autoRegister?: boolean;
}

/** Options of one schema registry deserializer. */
export interface SchemaRegistryDeserializerOptions {
  /**
   * Avro only: the schema this consumer reads with. Messages written with another (compatible)
   * version are resolved into it, so a consumer on v1 reads v2 messages as v1.
   */
  readerSchema?: string | object;
}
