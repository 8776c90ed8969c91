import { describe, expect, it } from 'vitest';
import {
  decodeStableOffsetFetch,
  encodeStableOffsetFetch,
  UNSTABLE_OFFSET_COMMIT,
} from '../../lib/connection/offset-fetch-v7.js';

function int16(value: number): number[] {
  return [(value >> 8) & 0xff, value & 0xff];
}
function int32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}
function int64(value: bigint): number[] {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return [...buffer];
}
function compact(text: string): number[] {
  return [text.length + 1, ...Buffer.from(text)];
}

describe('OffsetFetch v7 request', () => {
  it('is the flexible layout with require_stable set, after the header tagged fields', () => {
    const body = encodeStableOffsetFetch('g', new Map([['tp', [0, 3]]]));
    expect([...body]).toEqual([
      0, // request header v2 tagged fields
      ...compact('g'),
      2, // one topic
      ...compact('tp'),
      3, // two partitions
      ...int32(0),
      ...int32(3),
      0, // topic tagged fields
      1, // require_stable
      0, // body tagged fields
    ]);
  });

  it('writes lengths of 128 and more as multi-byte unsigned varints', () => {
    const group = 'g'.repeat(200);
    const body = encodeStableOffsetFetch(group, new Map([['t', [0]]]));
    // 201 = 0b1_1001001: low seven bits with the continuation bit, then 1
    expect([...body.subarray(1, 3)]).toEqual([0xc9, 0x01]);
    expect(body.subarray(3, 203).toString()).toBe(group);
  });
});

describe('OffsetFetch v7 response', () => {
  const partition = (index: number, offset: bigint, errorCode: number, tagged: number[] = [0]) => [
    ...int32(index),
    ...int64(offset),
    ...int32(-1), // committed_leader_epoch
    ...compact(''), // metadata
    ...int16(errorCode),
    ...tagged,
  ];

  it('reads each partition offset and error, skipping tagged fields anywhere', () => {
    const body = Buffer.from([
      1,
      7,
      2,
      0xaa,
      0xbb, // response header tagged fields: one field, tag 7, two bytes
      ...int32(0), // throttle
      2, // one topic
      ...compact('orders'),
      3, // two partitions
      ...partition(0, 4_000_000_000n, 0, [1, 0, 1, 0xff]),
      ...partition(1, -1n, UNSTABLE_OFFSET_COMMIT),
      0, // topic tagged fields
      ...int16(0),
      0,
    ]);
    expect(decodeStableOffsetFetch(body)).toEqual({
      errorCode: 0,
      partitions: [
        { topic: 'orders', partition: 0, offset: 4_000_000_000n, errorCode: 0 },
        { topic: 'orders', partition: 1, offset: -1n, errorCode: UNSTABLE_OFFSET_COMMIT },
      ],
    });
  });

  it('reads a group-level error with no topics', () => {
    const body = Buffer.from([0, ...int32(0), 1, ...int16(16), 0]);
    expect(decodeStableOffsetFetch(body)).toEqual({ errorCode: 16, partitions: [] });
  });

  it('reports a truncated answer instead of reading garbage', () => {
    expect(() => decodeStableOffsetFetch(Buffer.from([0, ...int32(0), 0x80]))).toThrow(/truncated/);
  });
});
