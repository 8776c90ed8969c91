/*
 * `nestjs-karafka/schema-registry`: Avro, Protobuf and JSON Schema through a Confluent-compatible
 * schema registry. Needs the optional peer `@kafkajs/confluent-schema-registry`.
 */
export { SchemaRegistryModule } from './schema-registry.module.js';
export { SchemaRegistry, SCHEMA_REGISTRY_OPTIONS, type SubjectVersion } from './schema-registry.js';
export { SchemaRegistryDeserializer } from './schema-registry.deserializer.js';
export { SchemaRegistrySerializer } from './schema-registry.serializer.js';
export {
  SchemaRegistrationError,
  SchemaRegistryError,
  SchemaValidationError,
} from './schema-registry.error.js';
export type {
  SchemaDefinition,
  SchemaFormat,
  SchemaRegistryAuth,
  SchemaRegistryDeserializerOptions,
  SchemaRegistryModuleOptions,
  SchemaRegistrySerializerOptions,
  SubjectNameContext,
  SubjectNameStrategy,
} from './schema-registry.options.js';
