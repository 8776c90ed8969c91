import { Injectable, Optional, type Type } from '@nestjs/common';
import type {
  SerializationContext,
  Serializer,
} from '../serialization/serialization.interfaces.js';
import { SchemaRegistry } from './schema-registry.js';
import { SchemaRegistryError } from './schema-registry.error.js';
import type { SchemaRegistrySerializerOptions } from './schema-registry.options.js';
import { subjectName } from './subject-names.js';

/**
 * Encodes payloads in the Confluent wire format with a schema from the registry. The subject
 * comes from the topic (topic-name strategy by default, record-name available); the schema is
 * the one given (registered first with `autoRegister`) or the subject's latest version. A
 * payload that does not match is a SchemaValidationError naming the subject and the fields.
 *
 * As a class it is injectable with the module's defaults (`@Responds(topic, { serializer:
 * SchemaRegistrySerializer })`); `SchemaRegistrySerializer.with(options)` gives a class with
 * options, and `new SchemaRegistrySerializer(registry, options)` an instance for the producer
 * (`producer.produceSync({ topic, payload, serializer })`).
 */
@Injectable()
export class SchemaRegistrySerializer implements Serializer {
  private readonly options: SchemaRegistrySerializerOptions;

  constructor(
    private readonly registry: SchemaRegistry,
    @Optional() options?: SchemaRegistrySerializerOptions,
  ) {
    this.options = options ?? {};
  }

  /** An injectable serializer class with these options (for `@Responds` and DI). */
  static with(options: SchemaRegistrySerializerOptions): Type<SchemaRegistrySerializer> {
    @Injectable()
    class ConfiguredSchemaRegistrySerializer extends SchemaRegistrySerializer {
      constructor(registry: SchemaRegistry) {
        super(registry, options);
      }
    }
    return ConfiguredSchemaRegistrySerializer;
  }

  /** The subject this serializer encodes a topic's values with. */
  subjectFor(kafkaTopic: string): string {
    const { options } = this;
    return (
      options.subject ??
      subjectName(
        options.subjectStrategy ?? this.registry.options.subjectStrategy ?? 'topic',
        kafkaTopic,
        options.schema,
      )
    );
  }

  /** Encodes `payload` for the context's topic; strings, Buffers and `null` pass through. */
  async serialize(
    payload: unknown,
    context?: SerializationContext,
  ): Promise<Buffer | string | null> {
    if (payload === null || typeof payload === 'string' || Buffer.isBuffer(payload)) return payload;
    const topic = context?.kafkaTopic ?? context?.topic;
    if (topic === undefined && this.options.subject === undefined) {
      throw new SchemaRegistryError(
        'SchemaRegistrySerializer needs the topic to name the subject; give it a subject',
      );
    }
    const subject = this.subjectFor(topic ?? '');
    const register = this.options.autoRegister ?? this.registry.options.autoRegister ?? false;
    const id = await this.registry.idFor(subject, this.options.schema, register);
    return this.registry.encode(subject, id, payload);
  }
}
