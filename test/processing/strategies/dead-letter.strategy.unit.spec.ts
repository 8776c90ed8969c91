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
let poison: string;

class PoisonConsumer extends BaseConsumer<{ n: number }> {
  consume(messages: Messages<{ n: number }>): void {
    calls.push(describeCall(messages));
    for (const m of messages) if (m.offset === poison) throw new Error(`poison ${m.offset}`);
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
  poison = '1';
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
    poison = '2';
    await executor.process(fakeBatch(2, 1), new FakeControls());
    expect(host.eventsNamed('consumer.consuming.pause').at(-1)).toMatchObject({
      attempt: 1,
      timeout: 1000,
    });
  });

  it('batch mode: after the retries the batch is replayed one by one, only the poison message moves', async () => {
    const { host, executor } = setup({ batch: true });
    await executor.process(fakeBatch(0, 3), new FakeControls()); // attempt 1: backoff
    await vi.runOnlyPendingTimersAsync();
    host.calls.length = 0;
    await executor.process(fakeBatch(0, 3), new FakeControls()); // attempt 2: collapse
    expect(host.produced).toEqual([]);
    expect(host.calls).toEqual(['seek orders/0 0']);
    expect(host.lastMarked()).toBeUndefined();
    calls.length = 0;
    await executor.process(fakeBatch(0, 3), new FakeControls()); // one by one: 0 ok, 1 fails
    await vi.runOnlyPendingTimersAsync();
    await executor.process(fakeBatch(1, 2), new FakeControls()); // 1 fails again: moved
    expect(host.produced.map((m) => m.headers?.karafka_original_offset)).toEqual(['1']);
    await executor.process(fakeBatch(2, 2), new FakeControls()); // one by one, replay covered 0-2
    await executor.process(fakeBatch(4, 2), new FakeControls()); // batches again
    expect(calls).toEqual(['0', '1', '1', '2', '3', '4-5']);
    expect(host.lastMarked()).toBe('5');
  });

  it('with manual offsets the moved message is not marked (the consumer marks)', async () => {
    const { host, executor } = setup({ batch: false, manualOffsets: true });
    poison = '0';
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
    poison = '0';
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
