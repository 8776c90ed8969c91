import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer, type OnRevoked } from '../../lib/processing/base-consumer.js';
import { PartitionExecutor } from '../../lib/processing/partition-executor.js';
import type { Route } from '../../lib/routing/route.js';
import { selectStrategy } from '../../lib/processing/strategies/strategy-selector.js';
import {
  describeCall,
  FakeControls,
  FakeHost,
  fakeBatch,
  fakeRoute,
  parseJson,
} from './partition-fakes.js';

/** What the consumer under test does; set per test. */
let behaviour: (messages: Messages<{ n: number }>, self: ScriptedConsumer) => void;
let calls: string[];
let instances: number;

class ScriptedConsumer extends BaseConsumer<{ n: number }> implements OnRevoked {
  revoked = false;
  constructor() {
    super();
    instances += 1;
  }
  consume(messages: Messages<{ n: number }>): void {
    calls.push(describeCall(messages));
    behaviour(messages, this);
  }
  onRevoked(): void {
    revokedHook();
  }
}
let revokedHook: () => void;

const failOn =
  (...offsets: string[]) =>
  (messages: Messages<{ n: number }>) => {
    for (const m of messages)
      if (offsets.includes(m.offset)) throw new Error(`boom at ${m.offset}`);
  };

function setup(options: Parameters<typeof fakeRoute>[1] = {}, host = new FakeHost()) {
  const route: Route = fakeRoute(ScriptedConsumer, options);
  const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
  return { host, executor };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  behaviour = () => undefined;
  revokedHook = () => undefined;
  calls = [];
  instances = 0;
});
afterEach(() => vi.useRealTimers());

describe('PartitionExecutor: success', () => {
  it('batch mode: one consume call per fetched batch, its last offset marked and resolved', async () => {
    const { host, executor } = setup({ batch: true });
    const controls = new FakeControls();
    await executor.process(fakeBatch(0, 3), controls);
    expect(calls).toEqual(['0-2']);
    expect(host.lastMarked()).toBe('2');
    expect(controls.resolved).toEqual(['2']);
    expect(host.calls).toEqual([]);
  });

  it('single mode: one call per message, marked once per batch (not per message)', async () => {
    const { host, executor } = setup({ batch: false });
    const mark = vi.spyOn(host.committer, 'mark');
    const controls = new FakeControls();
    await executor.process(fakeBatch(5, 3), controls);
    expect(calls).toEqual(['5', '6', '7']);
    expect(mark.mock.calls).toEqual([['orders', 0, '7']]);
    expect(controls.resolved).toEqual(['7']);
  });

  it('persistent routes keep one instance; persistent: false makes one per batch', async () => {
    const kept = setup({ persistent: true });
    await kept.executor.process(fakeBatch(0, 2), new FakeControls());
    await kept.executor.process(fakeBatch(2, 2), new FakeControls());
    expect(instances).toBe(1);
    instances = 0;
    const fresh = setup({ persistent: false });
    await fresh.executor.process(fakeBatch(0, 2), new FakeControls());
    await fresh.executor.process(fakeBatch(2, 2), new FakeControls());
    expect(instances).toBe(2);
  });

  it('a stopping consumer group ends a single-mode batch after the current message', async () => {
    const { host, executor } = setup({ batch: false });
    const controls = new FakeControls();
    behaviour = () => {
      controls.running = false;
    };
    await executor.process(fakeBatch(0, 3), controls);
    expect(calls).toEqual(['0']);
    expect(host.lastMarked()).toBe('0');
    expect(controls.resolved).toEqual(['0']);
  });
});

describe('PartitionExecutor: failure, backoff and retry', () => {
  it('batch mode: a failed batch marks nothing, pauses, rewinds to its first offset', async () => {
    const { host, executor } = setup({ batch: true });
    const controls = new FakeControls();
    await executor.process(fakeBatch(0, 2), controls);
    behaviour = failOn('3');
    await executor.process(fakeBatch(2, 3), controls);
    // Only the first (successful) batch is marked: a restart brings the failed one back.
    expect(host.lastMarked()).toBe('1');
    expect(controls.resolved).toEqual(['1']);
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 2']);
    expect(executor.paused).toBe(true);
    expect(host.eventsNamed('error.occurred')[0]).toMatchObject({
      type: 'consumer.consume.error',
      consumer: 'ScriptedConsumer',
      partition: 0,
    });
    expect(host.eventsNamed('consumer.consuming.pause')).toEqual([
      { group: 'shop_app', topic: 'orders', partition: 0, timeout: 1000, offset: '2', attempt: 1 },
    ]);
  });

  it('resumes after the backoff, not before: the real timer, not only the reported timeout', async () => {
    const { host, executor } = setup({ batch: true }, new FakeHost({ timeout: 1000 }));
    behaviour = failOn('0');
    await executor.process(fakeBatch(0, 1), new FakeControls());
    host.calls.length = 0;
    await vi.advanceTimersByTimeAsync(999);
    expect(host.calls).toEqual([]);
    expect(executor.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(host.calls).toEqual(['resume orders/0']);
    expect(executor.paused).toBe(false);
    expect(host.eventsNamed('consumer.consuming.retry')).toEqual([
      { group: 'shop_app', topic: 'orders', partition: 0, offset: '0', attempt: 1 },
    ]);
  });

  it('doubles the pause per consecutive failure up to maxTimeout; a success resets it', async () => {
    const { host, executor } = setup({}, new FakeHost({ timeout: 100, maxTimeout: 300 }));
    behaviour = failOn('0');
    for (let i = 0; i < 4; i++) {
      await executor.process(fakeBatch(0, 1), new FakeControls());
      await vi.runOnlyPendingTimersAsync();
    }
    behaviour = () => undefined;
    await executor.process(fakeBatch(0, 1), new FakeControls());
    behaviour = failOn('1');
    await executor.process(fakeBatch(1, 1), new FakeControls());
    expect(host.eventsNamed('consumer.consuming.pause').map((e) => e.timeout)).toEqual([
      100, 200, 300, 300, 100,
    ]);
  });

  it('without exponential backoff every pause is the same', async () => {
    const { host, executor } = setup({}, new FakeHost({ timeout: 100, exponentialBackoff: false }));
    behaviour = failOn('0');
    for (let i = 0; i < 3; i++) {
      await executor.process(fakeBatch(0, 1), new FakeControls());
      await vi.runOnlyPendingTimersAsync();
    }
    expect(host.eventsNamed('consumer.consuming.pause').map((e) => e.timeout)).toEqual([
      100, 100, 100,
    ]);
  });

  it('dead letter batch replay: a success inside it counts back to the batch failure, past it to 0', async () => {
    const { host, executor } = setup({
      batch: true,
      deadLetter: { topic: 'orders_dlq', maxRetries: 3 },
    });
    behaviour = failOn('2');
    await executor.process(fakeBatch(0, 4), new FakeControls()); // the batch call fails
    expect(executor.attempt).toBe(1);
    await vi.runOnlyPendingTimersAsync();
    await executor.process(fakeBatch(0, 4), new FakeControls()); // 0, 1 ok; 2 fails
    await vi.runOnlyPendingTimersAsync();
    await executor.process(fakeBatch(2, 2), new FakeControls()); // 2 fails
    // Not 1, 1, 2: the successes of 0 and 1 did not forget that 2 was in the failed batch.
    expect(host.eventsNamed('consumer.consuming.pause').map((e) => e.attempt)).toEqual([1, 2, 3]);
    await vi.runOnlyPendingTimersAsync();
    await executor.process(fakeBatch(2, 2), new FakeControls()); // 2 fails a 4th time: moved
    expect(host.eventsNamed('dead_letter_queue.dispatched')).toEqual([
      expect.objectContaining({ offset: '2', attempts: 4 }),
    ]);
    // 3 was in the failed batch call too.
    expect(executor.attempt).toBe(1);
    await executor.process(fakeBatch(3, 1), new FakeControls());
    expect(executor.attempt).toBe(0);
    expect(calls).toEqual(['0-3', '0', '1', '2', '2', '2', '3']);
  });

  it('single mode: the successes before the failing message are marked, the retry starts at it', async () => {
    const { host, executor } = setup({ batch: false });
    const controls = new FakeControls();
    behaviour = failOn('12');
    await executor.process(fakeBatch(10, 5), controls);
    expect(calls).toEqual(['10', '11', '12']);
    expect(host.lastMarked()).toBe('11');
    expect(controls.resolved).toEqual([]);
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 12']);
  });

  it('a consumer paused by itself stays paused when the backoff ends', async () => {
    const { host, executor } = setup({ batch: true });
    behaviour = (_messages, self) => {
      self.pause();
      throw new Error('boom');
    };
    await executor.process(fakeBatch(0, 1), new FakeControls());
    host.calls.length = 0;
    await vi.advanceTimersByTimeAsync(1000);
    expect(host.calls).toEqual([]);
    expect(executor.paused).toBe(true);
  });

  it('revoke drops the pending resume and calls onRevoked', async () => {
    const { host, executor } = setup({ batch: true });
    let revoked = 0;
    revokedHook = () => (revoked += 1);
    behaviour = failOn('0');
    await executor.process(fakeBatch(0, 1), new FakeControls());
    host.calls.length = 0;
    await executor.revoke();
    await vi.advanceTimersByTimeAsync(5000);
    expect(host.calls).toEqual([]);
    expect(revoked).toBe(1);
  });
});

describe('PartitionExecutor: the consumer controls', () => {
  it('seek(): the next fetch starts there, nothing of this batch is marked or resolved', async () => {
    const { host, executor } = setup({ batch: true });
    const controls = new FakeControls();
    behaviour = (_messages, self) => self.seek(0);
    await executor.process(fakeBatch(4, 2), controls);
    expect(host.lastMarked()).toBeUndefined();
    expect(controls.resolved).toEqual([]);
    expect(host.calls).toEqual(['seek orders/0 0']);
    // The next batch marks again.
    behaviour = () => undefined;
    await executor.process(fakeBatch(0, 2), controls);
    expect(host.lastMarked()).toBe('1');
  });

  it('single mode pause(ms): stops after the current message, continues at the next one later', async () => {
    const { host, executor } = setup({ batch: false });
    const controls = new FakeControls();
    behaviour = (messages, self) => {
      if (messages.first!.offset === '1') self.pause(500);
    };
    await executor.process(fakeBatch(0, 4), controls);
    expect(calls).toEqual(['0', '1']);
    expect(host.lastMarked()).toBe('1');
    expect(controls.resolved).toEqual([]);
    expect(host.calls).toEqual(['pause orders/0', 'seek orders/0 2']);
    expect(executor.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(499);
    expect(executor.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(executor.paused).toBe(false);
    expect(host.calls.at(-1)).toBe('resume orders/0');
  });

  it('markAsConsumed marks at once; manual offsets mark nothing else', async () => {
    const { host, executor } = setup({ batch: true, manualOffsets: true });
    behaviour = (messages, self) => self.markAsConsumed(messages.first!);
    const controls = new FakeControls();
    await executor.process(fakeBatch(0, 3), controls);
    expect(host.lastMarked()).toBe('0');
    expect(controls.resolved).toEqual(['2']);
  });
});
