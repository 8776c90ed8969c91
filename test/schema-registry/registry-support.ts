import { SchemaRegistry as LibraryClient, SchemaType } from '@kafkajs/confluent-schema-registry';
import { inject } from 'vitest';
import type { SchemaDefinition } from '../../lib/schema-registry/schema-registry.options.js';

/** The URL of the test registry (Apicurio's Confluent-compatible API). */
export function registryUrl(): string {
  return inject('schemaRegistryUrl');
}

/** The registry client library itself, for the interop checks. */
export function libraryClient(): LibraryClient {
  return new LibraryClient({ host: registryUrl() }, { forSchemaOptions: { wrapUnions: false } });
}

export { SchemaType };

export const orderAvro = (name: string): SchemaDefinition => ({
  format: 'AVRO',
  schema: {
    type: 'record',
    name,
    namespace: 'shop',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'qty', type: 'int' },
    ],
  },
});

export const orderProto = (name: string): SchemaDefinition => ({
  format: 'PROTOBUF',
  schema: `syntax = "proto3";
package shop;
message ${name} {
  string id = 1;
  int32 qty = 2;
}
`,
});

export const orderJsonSchema = (title: string): SchemaDefinition => ({
  format: 'JSON',
  schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    properties: { id: { type: 'string' }, qty: { type: 'integer' } },
    required: ['id', 'qty'],
    additionalProperties: false,
  },
});
