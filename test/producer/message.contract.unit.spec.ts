import { describe, expect, it } from 'vitest';
import { checkPayloadSize, checkTopicName } from '../../lib/producer/message.contract.js';
import { InvalidTopicError, PayloadTooLargeError } from '../../lib/producer/producer.error.js';

const where = { topic: 'orders' };

describe('the message contract: payload size', () => {
  it('accepts a Buffer of exactly maxPayloadSize bytes and refuses one byte more', () => {
    expect(() => checkPayloadSize(Buffer.alloc(100), 100, where)).not.toThrow();
    expect(() => checkPayloadSize(Buffer.alloc(101), 100, where)).toThrow(PayloadTooLargeError);
  });

  it('counts UTF-8 bytes of a string: exactly at the limit passes, one byte over does not', () => {
    // 40 three-byte characters: 120 bytes in UTF-8, 40 UTF-16 units (the quick check cannot decide).
    const exactly = '€'.repeat(40);
    expect(Buffer.byteLength(exactly)).toBe(120);
    expect(() => checkPayloadSize(exactly, 120, where)).not.toThrow();
    expect(() => checkPayloadSize(`${exactly}x`, 120, where)).toThrow(
      /payload is 121 bytes, over the limit of 120 bytes/,
    );
    expect(() => checkPayloadSize('x'.repeat(120), 120, where)).not.toThrow();
    expect(() => checkPayloadSize('x'.repeat(121), 120, where)).toThrow(PayloadTooLargeError);
  });
});

describe('the message contract: topic names', () => {
  it('accepts 249 characters and refuses 250', () => {
    expect(() => checkTopicName('t'.repeat(249), 'topic', where)).not.toThrow();
    expect(() => checkTopicName('t'.repeat(250), 'topic', where)).toThrow(InvalidTopicError);
    expect(() => checkTopicName('orders placed!', 'topic', where)).toThrow(
      /use 1-249 letters, digits/,
    );
  });
});
