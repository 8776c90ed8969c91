import { describe, expect, it } from 'vitest';
import {
  JsonDeserializer,
  JsonSerializer,
  RawDeserializer,
  StringDeserializer,
} from '../../lib/serialization/json.js';
import type { DeserializationInput } from '../../lib/serialization/serialization.interfaces.js';

const input = (raw: Buffer | null): DeserializationInput => ({
  raw,
  topic: 'orders',
  partition: 0,
  offset: '0',
  key: null,
  headers: {},
});

describe('JsonDeserializer', () => {
  const deserializer = new JsonDeserializer();

  it('parses UTF-8 JSON', () => {
    expect(deserializer.deserialize(input(Buffer.from('{"id":1,"name":"Zoë"}')))).toEqual({
      id: 1,
      name: 'Zoë',
    });
    expect(deserializer.deserialize(input(Buffer.from('[1,2]')))).toEqual([1, 2]);
    expect(deserializer.deserialize(input(Buffer.from('"text"')))).toBe('text');
  });

  it('turns a tombstone (null value) into null', () => {
    expect(deserializer.deserialize(input(null))).toBeNull();
  });

  it('throws on invalid JSON and on an empty value', () => {
    expect(() => deserializer.deserialize(input(Buffer.from('{not json')))).toThrow(SyntaxError);
    expect(() => deserializer.deserialize(input(Buffer.alloc(0)))).toThrow(SyntaxError);
  });
});

describe('JsonSerializer', () => {
  const serializer = new JsonSerializer();

  it('turns objects, arrays, numbers and booleans into JSON text', () => {
    expect(serializer.serialize({ id: 1, tags: ['a'] })).toBe('{"id":1,"tags":["a"]}');
    expect(serializer.serialize([1, 2])).toBe('[1,2]');
    expect(serializer.serialize(42)).toBe('42');
    expect(serializer.serialize(false)).toBe('false');
  });

  it('passes strings through untouched (not JSON-quoted)', () => {
    expect(serializer.serialize('already text')).toBe('already text');
  });

  it('passes Buffers through as the same object', () => {
    const buffer = Buffer.from([0, 1, 2]);
    expect(serializer.serialize(buffer)).toBe(buffer);
  });

  it('keeps null as null (a tombstone)', () => {
    expect(serializer.serialize(null)).toBeNull();
  });

  it('refuses undefined, pointing to null for a tombstone', () => {
    expect(() => serializer.serialize(undefined)).toThrow(TypeError);
    expect(() => serializer.serialize(undefined)).toThrow(/use null for a tombstone/);
  });

  it('refuses values JSON cannot represent instead of returning undefined', () => {
    expect(() => serializer.serialize(() => 1)).toThrow(TypeError);
    expect(() => serializer.serialize(Symbol('s'))).toThrow(TypeError);
    expect(() => serializer.serialize(10n)).toThrow(TypeError);
  });
});

describe('StringDeserializer and RawDeserializer', () => {
  it('StringDeserializer gives the UTF-8 text, null for a tombstone', () => {
    const deserializer = new StringDeserializer();
    expect(deserializer.deserialize(input(Buffer.from('{"a":1}')))).toBe('{"a":1}');
    expect(deserializer.deserialize(input(null))).toBeNull();
  });

  it('RawDeserializer gives the same Buffer, null for a tombstone', () => {
    const deserializer = new RawDeserializer();
    const raw = Buffer.from([0xff, 0x00]);
    expect(deserializer.deserialize(input(raw))).toBe(raw);
    expect(deserializer.deserialize(input(null))).toBeNull();
  });
});
