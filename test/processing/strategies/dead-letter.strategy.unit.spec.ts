import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Messages } from '../../../lib/messages/messages.js';
import { BaseConsumer } from '../../../lib/processing/base-consumer.js';
import { PartitionExecutor } from '../../../lib/processing/partition-executor.js';
import { ExactlyOnceStrategy } from '../../../lib/processing/strategies/exactly-once.strategy.js';
import { DeadLetterStrategy } from '../../../lib/processing/strategies/dead-letter.strategy.js';
import { DefaultStrategy } from '../../../lib/processing/strategies/default.strategy.js';
import { ManualOffsetsStrategy } from '../../../lib/processing/strategies/manual-offsets.strategy.js';
import { selectStrategy } from '../../../lib/processing/strategies/strategy-selector.js';
import {
  describeCall,
  FakeControls,
  FakeHost,
  fakeBatch,
  fakeRoute,
  parseJson,
} from '../partition-fakes.js';

let calls: string[];
/** Offsets whose message always fails. */
let poisons: Set<string>;

class PoisonConsumer extends BaseConsumer<{ n: number }> {
  consume(messages: Messages<{ n: number }>): void {
    calls.push(describeCall(messages));
    for (const m of messages) if (poisons.has(m.offset)) throw new Error(`poison ${m.offset}`);
  }
}

function setup(options: { batch: boolean; manualOffsets?: boolean }, host = new FakeHost()) {
  const route = fakeRoute(PoisonConsumer, {
    ...options,
    deadLetter: { topic: 'orders_dlq', maxRetries: 1 },
  });
  const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
  return { host, executor };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  calls = [];
  poisons = new Set(['1']);
});
afterEach(() => vi.useRealTimers());

describe('selectStrategy (once per route)', () => {
  it('picks the strategy from the route options', () => {
    const none = { manualOffsets: false, exactlyOnce: false };
    expect(selectStrategy(none)).toBeInstanceOf(DefaultStrategy);
    expect(selectStrategy({ ...none, manualOffsets: true })).toBeInstanceOf(ManualOffsetsStrategy);
    expect(selectStrategy({ ...none, exactlyOnce: true })).toBeInstanceOf(ExactlyOnceStrategy);
    expect(selectStrategy({ ...none, deadLetter: { topic: 'dlq', maxRetries: 2 } })).toBeInstanceOf(
      DeadLetterStrategy,
    );
  });
});

describe('DeadLetterStrategy', () => {
  it('single mode: backs off up to maxRetries, then moves the message, marks it and goes on after it', async () => {
    const { host, executor } = setup({ batch: false });
    await executor.process(fakeBatch(0, 3), new FakeControls()); // 0 ok, 1 fails (attempt 1)
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 1']);
    await vi.runOnlyPendingTimersAsync();
    host.calls.length = 0;
    await executor.process(fakeBatch(1, 2), new FakeControls()); // 1 fails (attempt 2 > 1)
    expect(host.produced).toHaveLength(1);
    const [dead] = host.produced;
    expect(dead!.topic).toBe('orders_dlq');
    expect(dead!.payload).toEqual(Buffer.from('{"n":1}'));
    expect(dead!.headers).toMatchObject({
      karafka_original_topic: 'orders',
      karafka_original_partition: '0',
      karafka_original_offset: '1',
      karafka_original_consumer_group: 'shop_app',
      karafka_attempts: '2',
      karafka_error: 'Error: poison 1',
    });
    expect(host.lastMarked()).toBe('1');
    expect(host.calls).toEqual(['seek orders/0 2']);
    expect(host.eventsNamed('dead_letter_queue.dispatched')).toEqual([
      expect.objectContaining({ offset: '1', deadLetterTopic: 'orders_dlq', attempts: 2 }),
    ]);
    // The attempt count starts over: the next failure backs off with the first pause again.
    poisons = new Set(['2']);
    await executor.process(fakeBatch(2, 1), new FakeControls());
    expect(host.eventsNamed('consumer.consuming.pause').at(-1)).toMatchObject({
      attempt: 1,
      timeout: 1000,
    });
  });

  it('batch mode: the first failure replays the batch one by one; the poison moves after maxRetries + 1 failed calls', async () => {
    const { host, executor } = setup({ batch: true });
    await executor.process(fakeBatch(0, 3), new FakeControls()); // attempt 1: backoff, collapse
    expect(host.produced).toEqual([]);
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 0']);
    expect(host.lastMarked()).toBeUndefined();
    await vi.runOnlyPendingTimersAsync();
    // One by one: 0 ok (the count goes back to the batch's 1), 1 fails: attempt 2 > 1, moved.
    await executor.process(fakeBatch(0, 3), new FakeControls());
    expect(host.produced.map((m) => m.headers?.karafka_original_offset)).toEqual(['1']);
    expect(host.produced[0]!.headers).toMatchObject({ karafka_attempts: '2' });
    expect(host.eventsNamed('dead_letter_queue.dispatched')).toEqual([
      expect.objectContaining({ offset: '1', attempts: 2 }),
    ]);
    // One pause in all: the batch's; the poison's own failure was its last.
    expect(host.eventsNamed('consumer.consuming.pause')).toHaveLength(1);
    await executor.process(fakeBatch(2, 2), new FakeControls()); // one by one, replay covered 0-2
    await executor.process(fakeBatch(4, 2), new FakeControls()); // batches again
    expect(calls).toEqual(['0-2', '0', '1', '2', '3', '4-5']);
    expect(calls.filter((c) => c === '1' || c === '0-2')).toHaveLength(1 + 1);
    expect(host.lastMarked()).toBe('5');
  });

  it('batch mode: two poison messages of one batch are each moved after exactly maxRetries + 1 failed calls', async () => {
    const host = new FakeHost();
    const route = fakeRoute(PoisonConsumer, {
      batch: true,
      deadLetter: { topic: 'orders_dlq', maxRetries: 2 },
    });
    const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
    poisons = new Set(['1', '3']);
    let from = 0;
    for (let round = 0; round < 10 && host.lastMarked() !== '4'; round++) {
      await executor.process(fakeBatch(from, 5 - from), new FakeControls());
      await vi.runOnlyPendingTimersAsync();
      const seek = host.calls.filter((c) => c.startsWith('seek')).at(-1);
      if (seek) from = Number(seek.split(' ').at(-1));
    }
    const callsWith = (offset: number) =>
      calls.filter((c) => {
        const [first, last = first] = c.split('-').map(Number);
        return first! <= offset && offset <= last!;
      }).length;
    expect(host.produced.map((m) => m.headers?.karafka_original_offset)).toEqual(['1', '3']);
    expect(host.produced.map((m) => m.headers?.karafka_attempts)).toEqual(['3', '3']);
    expect(callsWith(1)).toBe(3);
    expect(callsWith(3)).toBe(3);
    // The good messages were each called once on their own, after the failed batch call.
    expect(calls.filter((c) => ['0', '2', '4'].includes(c))).toEqual(['0', '2', '4']);
  });

  it('batch mode with maxRetries: 0: no backoff, the poison moves after its own call (2 in all)', async () => {
    const host = new FakeHost();
    const route = fakeRoute(PoisonConsumer, {
      batch: true,
      deadLetter: { topic: 'orders_dlq', maxRetries: 0 },
    });
    const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
    await executor.process(fakeBatch(0, 3), new FakeControls());
    expect(host.calls).toEqual(['seek orders/0 0']);
    await executor.process(fakeBatch(0, 3), new FakeControls());
    await executor.process(fakeBatch(2, 1), new FakeControls());
    expect(calls).toEqual(['0-2', '0', '1', '2']);
    expect(host.produced.map((m) => m.headers?.karafka_attempts)).toEqual(['2']);
    expect(host.eventsNamed('consumer.consuming.pause')).toEqual([]);
  });

  it('with manual offsets the moved message is not marked (the consumer marks)', async () => {
    const { host, executor } = setup({ batch: false, manualOffsets: true });
    poisons = new Set(['0']);
    await executor.process(fakeBatch(0, 1), new FakeControls());
    await vi.runOnlyPendingTimersAsync();
    await executor.process(fakeBatch(0, 1), new FakeControls());
    expect(host.produced).toHaveLength(1);
    expect(host.lastMarked()).toBeUndefined();
    expect(host.calls.at(-1)).toBe('seek orders/0 1');
  });

  it('a failed dispatch is reported and the message backs off again, unmarked', async () => {
    const { host, executor } = setup({ batch: false });
    host.produceError = new Error('broker down');
    poisons = new Set(['0']);
    await executor.process(fakeBatch(0, 1), new FakeControls());
    await vi.runOnlyPendingTimersAsync();
    await executor.process(fakeBatch(0, 1), new FakeControls());
    expect(host.lastMarked()).toBeUndefined();
    expect(host.eventsNamed('error.occurred').map((e) => e.type)).toEqual([
      'consumer.consume.error',
      'consumer.consume.error',
      'consumer.dead_letter.error',
    ]);
    expect(host.eventsNamed('consumer.consuming.pause').at(-1)).toMatchObject({
      offset: '0',
      attempt: 2,
      timeout: 2000,
    });
  });
});
