import { describe, expect, it } from 'vitest';
import { SchemaRegistryError } from '../../lib/schema-registry/schema-registry.error.js';
import { recordNameOf, subjectName } from '../../lib/schema-registry/subject-names.js';
import type { SchemaDefinition } from '../../lib/schema-registry/schema-registry.options.js';

const avro: SchemaDefinition = {
  format: 'AVRO',
  schema: { type: 'record', name: 'Order', namespace: 'shop', fields: [] },
};
const proto: SchemaDefinition = {
  format: 'PROTOBUF',
  schema: 'syntax = "proto3";\npackage shop.v1;\n\nmessage Order {\n  string id = 1;\n}\n',
};
const json: SchemaDefinition = { format: 'JSON', schema: '{"title":"shop.Order","type":"object"}' };

describe('subject names', () => {
  it('topic strategy: <topic>-value, whatever the schema', () => {
    expect(subjectName('topic', 'orders', avro)).toBe('orders-value');
    expect(subjectName('topic', 'orders', undefined)).toBe('orders-value');
  });

  it('record and topic-record strategies use the record name of each format', () => {
    expect(recordNameOf(avro)).toBe('shop.Order');
    expect(recordNameOf(proto)).toBe('shop.v1.Order');
    expect(recordNameOf(json)).toBe('shop.Order');
    expect(subjectName('record', 'orders', proto)).toBe('shop.v1.Order');
    expect(subjectName('topic-record', 'orders', avro)).toBe('orders-shop.Order');
    expect(subjectName(({ topic, recordName }) => `${recordName}@${topic}`, 'o', avro)).toBe(
      'shop.Order@o',
    );
  });

  it('a record strategy without a record name says what is missing', () => {
    expect(() => subjectName('record', 'orders', undefined)).toThrow(SchemaRegistryError);
    expect(() =>
      subjectName('record', 'orders', { format: 'JSON', schema: { type: 'object' } }),
    ).toThrow(/needs the schema's record name, and the JSON schema has none/);
  });
});
