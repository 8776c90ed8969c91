import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../lib/messages/message.js';
import type { Messages } from '../../../lib/messages/messages.js';
import { BaseConsumer } from '../../../lib/processing/base-consumer.js';
import { PartitionExecutor } from '../../../lib/processing/partition-executor.js';
import { selectStrategy } from '../../../lib/processing/strategies/strategy-selector.js';
import type { ResolvedResponder, Route } from '../../../lib/routing/route.js';
import { JsonSerializer } from '../../../lib/serialization/json.js';
import {
  describeCall,
  FakeControls,
  FakeHost,
  fakeBatch,
  fakeRoute,
  parseJson,
} from '../partition-fakes.js';

type Payload = { n: number };
let behaviour: (messages: Messages<Payload>, self: VirtualConsumer) => Promise<void> | void;
let calls: { vp: number | undefined; offsets: string }[];
let instances: VirtualConsumer[];

class VirtualConsumer extends BaseConsumer<Payload> {
  constructor() {
    super();
    instances.push(this);
  }
  async consume(messages: Messages<Payload>): Promise<void> {
    calls.push({ vp: this.virtualPartition, offsets: describeCall(messages) });
    await behaviour(messages, this);
  }
}

/** n % 3 decides the virtual partition: offsets 0,3,6.. / 1,4,7.. / 2,5,8.. */
const byRemainder = {
  partitioner: (m: Message) => (m.payload as Payload).n % 3,
  max: 3,
  distribution: 'consistent' as const,
};

function setup(options: Parameters<typeof fakeRoute>[1] = {}, host = new FakeHost()) {
  const route: Route = fakeRoute(VirtualConsumer, { virtualPartitions: byRemainder, ...options });
  const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
  return { host, executor, controls: new FakeControls() };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  behaviour = () => undefined;
  calls = [];
  instances = [];
});
afterEach(() => vi.useRealTimers());

describe('virtual partitions: success', () => {
  it('batch mode: one call per virtual partition, all running at once, the batch marked', async () => {
    const { host, executor, controls } = setup({ batch: true });
    let running = 0;
    let peak = 0;
    behaviour = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await Promise.resolve();
      await Promise.resolve();
      running -= 1;
    };
    await executor.process(fakeBatch(0, 7), controls);
    // n % 3: offsets 0,3,6 / 1,4 / 2,5 (consume reports first-last of its call).
    expect(calls).toEqual([
      { vp: 0, offsets: '0-6' },
      { vp: 1, offsets: '1-4' },
      { vp: 2, offsets: '2-5' },
    ]);
    expect(peak).toBe(3);
    expect(host.lastMarked()).toBe('6');
    expect(controls.resolved).toEqual(['6']);
  });

  it('keeps offset order within each virtual partition and one instance per virtual partition', async () => {
    const seen: Record<number, number[]> = {};
    const { executor, controls } = setup({ batch: false });
    behaviour = (messages, self) => {
      (seen[self.virtualPartition!] ??= []).push(messages.first!.payload.n);
    };
    await executor.process(fakeBatch(0, 9), controls);
    await executor.process(fakeBatch(9, 3), controls);
    expect(seen).toEqual({ 0: [0, 3, 6, 9], 1: [1, 4, 7, 10], 2: [2, 5, 8, 11] });
    expect(instances.map((i) => i.virtualPartition)).toEqual([0, 1, 2]);
  });

  it('monitor events name the virtual partition', async () => {
    const { host, executor, controls } = setup({ batch: true });
    const consumed: unknown[] = [];
    host.monitor.subscribe('consumer.consumed', (e) => consumed.push(e.payload.virtualPartition));
    await executor.process(fakeBatch(0, 3), controls);
    expect(consumed.sort()).toEqual([0, 1, 2]);
  });
});

describe('virtual partitions: failure', () => {
  it('marks only below the first failed message, retries the rest collapsed, then splits again', async () => {
    const { host, executor, controls } = setup({ batch: false });
    let failing = true;
    behaviour = (messages) => {
      // Virtual partition 1 (offsets 1, 4, 7) fails at offset 4.
      if (failing && messages.first!.offset === '4') throw new Error('boom at 4');
    };
    await executor.process(fakeBatch(0, 9), controls);
    // 0..3 completed everywhere; 4 failed; 5 and 6 may have completed but 4 did not.
    expect(host.lastMarked()).toBe('3');
    expect(controls.resolved).toEqual([]);
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 4']);
    expect(host.eventsNamed('error.occurred')[0]).toMatchObject({ virtualPartition: 1 });

    failing = false;
    calls = [];
    await vi.advanceTimersByTimeAsync(1000);
    await executor.process(fakeBatch(4, 5), controls);
    // Collapsed: in offset order, one message at a time, on the instance without a virtual partition.
    expect(calls).toEqual(['4', '5', '6', '7', '8'].map((offsets) => ({ vp: undefined, offsets })));
    expect(host.lastMarked()).toBe('8');

    calls = [];
    await executor.process(fakeBatch(9, 3), controls);
    expect(calls.map((c) => c.vp).sort()).toEqual([0, 1, 2]);
  });

  it('batch mode: the collapsed retry is one call with the rest of the batch', async () => {
    const { host, executor, controls } = setup({ batch: true });
    let failing = true;
    behaviour = (messages) => {
      if (failing && messages.first!.offset === '2') throw new Error('boom');
    };
    await executor.process(fakeBatch(0, 6), controls);
    // Group 2 (offsets 2, 5) failed: 0 and 1 are done.
    expect(host.lastMarked()).toBe('1');
    failing = false;
    calls = [];
    await vi.advanceTimersByTimeAsync(1000);
    await executor.process(fakeBatch(2, 4), controls);
    expect(calls).toEqual([{ vp: undefined, offsets: '2-5' }]);
    expect(host.lastMarked()).toBe('5');
  });

  it('dead letter: only the poison message is moved, after its retries on the collapsed run', async () => {
    const host = new FakeHost();
    const { executor, controls } = setup(
      { batch: true, deadLetter: { topic: 'orders_dlq', maxRetries: 1 } },
      host,
    );
    behaviour = (messages) => {
      for (const m of messages) if (m.offset === '4') throw new Error('poison');
    };
    const seekTo = () =>
      Number(
        host.calls
          .filter((c) => c.startsWith('seek'))
          .at(-1)!
          .split(' ')[2],
      );
    await executor.process(fakeBatch(0, 6), controls);
    for (let round = 0; round < 10 && host.produced.length === 0; round++) {
      await vi.advanceTimersByTimeAsync(30_000);
      const from = seekTo();
      await executor.process(fakeBatch(from, 6 - from), controls);
    }
    expect(host.produced.map((m) => m.topic)).toEqual(['orders_dlq']);
    expect(host.eventsNamed('dead_letter_queue.dispatched')).toMatchObject([{ offset: '4' }]);
    expect(seekTo()).toBe(5);
    await executor.process(fakeBatch(5, 1), controls);
    expect(host.lastMarked()).toBe('5');
    expect(host.produced).toHaveLength(1);
  });
});

describe('virtual partitions: responders', () => {
  const responders: ResolvedResponder[] = [
    { topic: 'receipts', required: false, multiple: true, serializer: new JsonSerializer() },
  ];

  it('all groups respond, then every response goes out in one delivery', async () => {
    const { host, executor, controls } = setup({ batch: true, responders });
    behaviour = (messages, self) =>
      self.respondTo('receipts', { vp: self.virtualPartition, size: messages.size });
    await executor.process(fakeBatch(0, 6), controls);
    expect(host.produced).toHaveLength(3);
    expect(host.lastMarked()).toBe('5');
  });

  it('one group fails: nothing is sent and nothing of the batch is marked', async () => {
    const { host, executor, controls } = setup({ batch: true, responders });
    behaviour = (messages, self) => {
      self.respondTo('receipts', { vp: self.virtualPartition });
      if (self.virtualPartition === 2) throw new Error('boom');
    };
    await executor.process(fakeBatch(0, 6), controls);
    expect(host.produced).toEqual([]);
    expect(host.lastMarked()).toBeUndefined();
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 0']);
  });
});
