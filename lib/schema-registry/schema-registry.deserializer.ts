import { Injectable, Optional, type Type } from '@nestjs/common';
import type {
  DeserializationInput,
  Deserializer,
  SchemaDescription,
} from '../serialization/serialization.interfaces.js';
import { SchemaRegistry } from './schema-registry.js';
import type { SchemaRegistryDeserializerOptions } from './schema-registry.options.js';
import { subjectName } from './subject-names.js';

/**
 * Decodes messages in the Confluent wire format (magic byte 0, 4-byte schema id, payload) by
 * their schema id: Avro, Protobuf and JSON Schema. Async: its routes decode each batch before
 * `consume`. A message with another first byte or an unknown schema id is a deserialization
 * error (retries, then the dead letter queue with its raw bytes). A tombstone gives `null`.
 *
 * `@Consumer(topic, { deserializer: SchemaRegistryDeserializer })`; with a reader schema:
 * `SchemaRegistryDeserializer.with({ readerSchema })`.
 */
@Injectable()
export class SchemaRegistryDeserializer implements Deserializer {
  /** Answers with a promise only while a schema is fetched: its routes decode ahead. */
  readonly async = true;
  private readonly options: SchemaRegistryDeserializerOptions;

  constructor(
    private readonly registry: SchemaRegistry,
    @Optional() options?: SchemaRegistryDeserializerOptions,
  ) {
    this.options = options ?? {};
  }

  /** An injectable deserializer class with these options (for `@Consumer`). */
  static with(options: SchemaRegistryDeserializerOptions): Type<SchemaRegistryDeserializer> {
    @Injectable()
    class ConfiguredSchemaRegistryDeserializer extends SchemaRegistryDeserializer {
      constructor(registry: SchemaRegistry) {
        super(registry, options);
      }
    }
    return ConfiguredSchemaRegistryDeserializer;
  }

  /** Decodes the message by the schema id it carries (at once when the schema is cached). */
  deserialize({ raw }: DeserializationInput): unknown {
    if (raw === null) return null;
    return this.registry.decode(raw, this.options.readerSchema);
  }

  /** The topic's subject (topic-name strategy) and the format of its latest version. */
  async describeSchema(kafkaTopic: string): Promise<SchemaDescription> {
    const strategy = this.registry.options.subjectStrategy ?? 'topic';
    if (strategy !== 'topic') return { format: 'schema registry (subject per record)' };
    const subject = subjectName(strategy, kafkaTopic, undefined);
    try {
      const latest = await this.registry.latest(subject);
      return { format: `${latest.format} (v${latest.version}, id ${latest.id})`, subject };
    } catch {
      return { format: 'schema registry (subject not registered yet)', subject };
    }
  }
}
