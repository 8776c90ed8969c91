import { KafkaParser } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { NestKafkaDeserializer } from '../../lib/patterns/nest-kafka.deserializer.js';

function input(raw: Buffer | null) {
  return { raw, topic: 't', partition: 0, offset: '0', key: null, headers: {} };
}

describe('NestKafkaDeserializer', () => {
  const deserializer = new NestKafkaDeserializer();
  const nest = new KafkaParser();

  // The values ClientKafka.emit() and other producers send, and the edge cases of Nest's decode.
  const values: [string, Buffer | null][] = [
    ['a JSON object', Buffer.from('{"id":1,"note":"ünïcode"}')],
    ['a JSON array', Buffer.from('[1,{"a":2}]')],
    ['text that starts like JSON but is not', Buffer.from('{not json')],
    ['plain text', Buffer.from('hello')],
    ['a number as text', Buffer.from('42')],
    ['a JSON string literal', Buffer.from('"quoted"')],
    ['an empty value', Buffer.alloc(0)],
    ['a schema registry frame (leading zero byte)', Buffer.from([0, 0, 0, 0, 1, 2, 3])],
    ['a tombstone', null],
  ];

  it.each(values)('decodes %s exactly as Nest’s KafkaParser does', (_name, raw) => {
    expect(deserializer.deserialize(input(raw))).toEqual(nest.decode(raw as Buffer));
  });

  it('keeps a schema registry frame as the same Buffer', () => {
    const frame = Buffer.from([0, 0, 0, 0, 7, 1]);
    expect(deserializer.deserialize(input(frame))).toBe(frame);
  });
});
