/** The benchmark's messages: JSON of about 200 bytes, keyed over 1,000 keys. */

export interface BenchPayload {
  id: number;
  type: string;
  user: string;
  amount: number;
  at: number;
  note: string;
}

const NOTE = 'x'.repeat(104);

export function benchPayload(i: number): BenchPayload {
  return {
    id: i,
    type: 'order.created',
    user: `user-${i % 997}`,
    amount: (i % 100_000) / 100,
    at: 1_700_000_000_000 + i,
    note: NOTE,
  };
}

export function benchKey(i: number): string {
  return `key-${i % 1_000}`;
}
