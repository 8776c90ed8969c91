import { describe, expect, it } from 'vitest';
import { Message } from '../../../lib/messages/message.js';
import { completedPrefix } from '../../../lib/processing/virtual-partitions/completed-prefix.js';
import { splitBatch } from '../../../lib/processing/virtual-partitions/split-batch.js';
import { fakeBatch, parseJson } from '../partition-fakes.js';

function messages(count: number, key?: (n: number) => string): Message[] {
  const context = { topic: 'orders', partition: 0, receivedAt: new Date(), parse: parseJson };
  return fakeBatch(0, count, key).messages.map((raw) => new Message(raw, context));
}
const byKey = { partitioner: (m: Message) => m.key, max: 4, distribution: 'consistent' as const };

describe('splitBatch', () => {
  it('puts every message of a key in one virtual partition, in offset order', () => {
    const list = messages(200, (n) => `customer-${n % 13}`);
    const groups = splitBatch(list, byKey);
    expect(groups.length).toBeLessThanOrEqual(4);
    const home = new Map<string, number>();
    for (const group of groups) {
      const offsets = group.messages.map((m) => Number(m.offset));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      for (const m of group.messages) {
        expect(home.get(m.key!) ?? group.index).toBe(group.index);
        home.set(m.key!, group.index);
      }
    }
    expect(groups.flatMap((g) => g.messages)).toHaveLength(200);
    expect(home.size).toBe(13);
  });

  it('the default partitioner (byKey) splits on the key bytes exactly as on the key string', () => {
    const list = messages(300, (n) => `tenant-${n % 37}-é`);
    const byString = splitBatch(list, byKey);
    const byBytes = splitBatch(list, { ...byKey, partitioner: () => 'ignored', byKey: true });
    expect(byBytes.map((g) => [g.index, g.messages.map((m) => m.offset)])).toEqual(
      byString.map((g) => [g.index, g.messages.map((m) => m.offset)]),
    );
    expect(byBytes.length).toBeGreaterThan(1);
  });

  it('spreads messages without a key evenly, leaving no group empty', () => {
    const groups = splitBatch(messages(10), byKey);
    expect(groups.map((g) => g.messages.length)).toEqual([3, 3, 2, 2]);
    const defaultSplit = splitBatch(messages(10), { ...byKey, byKey: true });
    expect(defaultSplit.map((g) => g.messages.length)).toEqual([3, 3, 2, 2]);
  });

  it('maps whole numbers onto themselves modulo max', () => {
    const groups = splitBatch(messages(8), {
      partitioner: (m) => Number(m.offset) * 2,
      max: 4,
      distribution: 'consistent',
    });
    expect(groups.map((g) => [g.index, g.messages.map((m) => m.offset)])).toEqual([
      [0, ['0', '2', '4', '6']],
      [2, ['1', '3', '5', '7']],
    ]);
  });
});

describe('splitBatch, balanced', () => {
  it('gives the groups an even share while each key stays in one group, in order', () => {
    // 1 hot key with 40 messages, 60 keys with 1: consistent hashing cannot even this out.
    const list = messages(100, (n) => (n % 5 < 2 ? 'hot' : `k${n}`));
    const groups = splitBatch(list, { ...byKey, distribution: 'balanced' });
    expect(groups.map((g) => g.messages.length).sort((a, b) => a - b)).toEqual([20, 20, 20, 40]);
    const hot = groups.filter((g) => g.messages.some((m) => m.key === 'hot'));
    expect(hot).toHaveLength(1);
    const offsets = hot[0]!.messages.map((m) => Number(m.offset));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });
});

describe('completedPrefix', () => {
  it('is the last message below which every message completed', () => {
    const list = messages(6);
    const groups = splitBatch(list, {
      partitioner: (m) => Number(m.offset) % 2,
      max: 2,
      distribution: 'consistent',
    });
    // evens: 0 2 4, odds: 1 3 5
    expect(completedPrefix(list, groups, [3, 3])?.offset).toBe('5');
    expect(completedPrefix(list, groups, [3, 1])?.offset).toBe('2');
    expect(completedPrefix(list, groups, [1, 3])?.offset).toBe('1');
    expect(completedPrefix(list, groups, [0, 3])).toBeUndefined();
  });
});
