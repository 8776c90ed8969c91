import type { SchemaDefinition, SubjectNameStrategy } from './schema-registry.options.js';
import { SchemaRegistryError } from './schema-registry.error.js';

/** The subject a topic's values are registered under, by the given strategy. */
export function subjectName(
  strategy: SubjectNameStrategy,
  topic: string,
  schema: SchemaDefinition | undefined,
): string {
  if (typeof strategy === 'function') return strategy({ topic, recordName: recordNameOf(schema) });
  if (strategy === 'topic') return `${topic}-value`;
  const record = recordNameOf(schema);
  if (!record) {
    throw new SchemaRegistryError(
      `subject strategy "${strategy}" needs the schema's record name, and the ${schema ? `${schema.format} schema has none` : 'serializer has no schema'} ` +
        `(Avro: name/namespace, Protobuf: a message, JSON Schema: title); give the serializer a schema or a subject`,
    );
  }
  return strategy === 'record' ? record : `${topic}-${record}`;
}

/** Avro `namespace.name`, Protobuf `package.FirstMessage`, JSON Schema `title`. */
export function recordNameOf(schema: SchemaDefinition | undefined): string | undefined {
  if (!schema) return undefined;
  if (schema.format === 'PROTOBUF') {
    const text = String(schema.schema);
    const message = /^\s*message\s+([A-Za-z_][\w]*)/m.exec(text)?.[1];
    if (!message) return undefined;
    const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(text)?.[1];
    return pkg ? `${pkg}.${message}` : message;
  }
  const object = schemaObject(schema);
  if (schema.format === 'JSON') return typeof object.title === 'string' ? object.title : undefined;
  const name = typeof object.name === 'string' ? object.name : undefined;
  if (!name) return undefined;
  return name.includes('.') || typeof object.namespace !== 'string'
    ? name
    : `${object.namespace}.${name}`;
}

/** The schema's text as the registry stores it. */
export function schemaText(schema: SchemaDefinition): string {
  return typeof schema.schema === 'string' ? schema.schema : JSON.stringify(schema.schema);
}

function schemaObject(schema: SchemaDefinition): Record<string, unknown> {
  if (typeof schema.schema !== 'string') return schema.schema as Record<string, unknown>;
  try {
    return JSON.parse(schema.schema) as Record<string, unknown>;
  } catch {
    return {};
  }
}
