import type { Message } from '../../messages/message.js';
import { murmur2 } from '../../producer/murmur2.js';
import type { ResolvedVirtualPartitions } from '../../routing/route.js';

/** The messages of one virtual partition in a fetched batch, in offset order. */
export interface VirtualGroup {
  /** 0 .. max-1: which virtual partition (and so which consumer instance) runs them. */
  readonly index: number;
  readonly messages: Message[];
}

/**
 * Splits a fetched batch of one partition into its virtual partitions. The same partitioner
 * value always lands in the same virtual partition (its order is kept); messages without a
 * value (no key) carry no order to keep and are spread evenly by position. Empty groups are
 * left out.
 */
export function splitBatch(
  list: readonly Message[],
  { partitioner, max }: ResolvedVirtualPartitions,
): VirtualGroup[] {
  const groups: Message[][] = Array.from({ length: max }, () => []);
  let keyless = 0;
  for (const message of list) {
    const value = partitioner(message);
    const index =
      value === null || value === undefined ? keyless++ % max : virtualIndex(value, max);
    groups[index]!.push(message);
  }
  const result: VirtualGroup[] = [];
  groups.forEach((messages, index) => {
    if (messages.length) result.push({ index, messages });
  });
  return result;
}

/** Whole numbers map onto themselves modulo `max`; anything else through Kafka's murmur2. */
function virtualIndex(value: string | number, max: number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return Math.abs(value) % max;
  return (murmur2(Buffer.from(String(value), 'utf8')) & 0x7fffffff) % max;
}
