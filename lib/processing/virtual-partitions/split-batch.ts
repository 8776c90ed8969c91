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
 * Splits a fetched batch of one partition into its virtual partitions, in offset order within
 * each. Messages with the same partitioner value always share a virtual partition within a
 * batch (their order is kept). `consistent`: a value maps to the same virtual partition in
 * every batch (hash of the value). `balanced`: the values of this batch are spread so the groups
 * get as even a share of messages as possible (a value may move between batches). Messages
 * without a value carry no order to keep and are spread evenly. Empty groups are left out.
 */
export function splitBatch(
  list: readonly Message[],
  virtual: ResolvedVirtualPartitions,
): VirtualGroup[] {
  const { max } = virtual;
  const groups: Message[][] = Array.from({ length: max }, () => []);
  if (virtual.distribution === 'balanced') {
    const indexes = balancedIndexes(
      list.map((message) => virtual.partitioner(message)),
      max,
    );
    for (let i = 0; i < list.length; i++) groups[indexes[i]!]!.push(list[i]!);
  } else if (virtual.byKey) {
    splitByKey(list, max, groups);
  } else {
    splitConsistent(list, virtual.partitioner, max, groups);
  }
  const result: VirtualGroup[] = [];
  for (let index = 0; index < max; index++) {
    const messages = groups[index]!;
    if (messages.length) result.push({ index, messages });
  }
  return result;
}

type Value = string | number | null | undefined;

/**
 * The default partitioner on the hot path: the key's bytes as fetched go straight into the
 * hash (the same value the key's string gives, for UTF-8 keys), with no string per message.
 */
function splitByKey(list: readonly Message[], max: number, groups: Message[][]): void {
  let keyless = 0;
  for (const message of list) {
    const key = message.rawKey;
    const index = key === null ? keyless++ % max : (murmur2(key) & 0x7fffffff) % max;
    groups[index]!.push(message);
  }
}

/** A value's virtual partition is computed once per batch: values repeat (keys, tenants). */
function splitConsistent(
  list: readonly Message[],
  partitioner: (message: Message) => Value,
  max: number,
  groups: Message[][],
): void {
  const seen = new Map<string | number, number>();
  let keyless = 0;
  for (const message of list) {
    const value = partitioner(message);
    let index: number | undefined;
    if (value === null || value === undefined) index = keyless++ % max;
    else {
      index = seen.get(value);
      if (index === undefined) seen.set(value, (index = virtualIndex(value, max)));
    }
    groups[index]!.push(message);
  }
}

/** Largest units first, each to the least loaded group: a greedy, near-even split. */
function balancedIndexes(values: readonly Value[], max: number): number[] {
  const units = new Map<Value | symbol, number[]>();
  values.forEach((value, i) => {
    // Messages without a value are units of their own.
    const unit = value === null || value === undefined ? Symbol() : value;
    const members = units.get(unit);
    if (members) members.push(i);
    else units.set(unit, [i]);
  });
  const load = new Array<number>(max).fill(0);
  const indexes = new Array<number>(values.length);
  for (const members of [...units.values()].sort((a, b) => b.length - a.length)) {
    let target = 0;
    for (let g = 1; g < max; g++) if (load[g]! < load[target]!) target = g;
    load[target]! += members.length;
    for (const i of members) indexes[i] = target;
  }
  return indexes;
}

/** Whole numbers map onto themselves modulo `max`; anything else through Kafka's murmur2. */
function virtualIndex(value: string | number, max: number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return Math.abs(value) % max;
  return (murmur2(Buffer.from(String(value), 'utf8')) & 0x7fffffff) % max;
}
