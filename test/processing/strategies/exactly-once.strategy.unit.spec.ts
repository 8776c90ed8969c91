import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Messages } from '../../../lib/messages/messages.js';
import { BaseConsumer } from '../../../lib/processing/base-consumer.js';
import { PartitionExecutor } from '../../../lib/processing/partition-executor.js';
import { selectStrategy } from '../../../lib/processing/strategies/strategy-selector.js';
import type { Producer } from '../../../lib/producer/producer.js';
import type { Transaction } from '../../../lib/producer/transaction.js';
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

/**
 * The partition's transactional producers as the strategy sees them: `transactional(id)` makes
 * one (a claim), a transaction that resolves "commits" the offsets it sent to `host.committed`.
 */
function transactionalProducers(host: FakeHost): string[] {
  const log: string[] = [];
  Object.assign(host.producer, {
    transactional: (id: string): Producer => {
      log.push(`claim ${id}`);
      return {
        connect: async () => undefined,
        close: async () => void log.push('close'),
        produceSync: host.producer.produceSync,
        transaction: async (work: (tx: Transaction) => Promise<void>) => {
          const offsets: string[] = [];
          await work({
            sendOffsets: async ({ topics }) => void offsets.push(topics[0]!.partitions[0]!.offset),
          } as Transaction);
          for (const offset of offsets) {
            host.committed.set(0, offset);
            log.push(`commit ${offset}`);
          }
        },
      } as unknown as Producer;
    },
  });
  return log;
}

function setup() {
  const host = new FakeHost();
  const log = transactionalProducers(host);
  const route = fakeRoute(PoisonConsumer, {
    batch: false,
    exactlyOnce: true,
    deadLetter: { topic: 'orders_dlq', maxRetries: 0 },
  });
  const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
  return { host, log, executor };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  calls = [];
  poisons = new Set(['1']);
});
afterEach(() => vi.useRealTimers());

describe('ExactlyOnceStrategy', () => {
  it('drops the producer after a failed call; the dead letter dispatch claims the id again and commits the skip', async () => {
    const { host, log, executor } = setup();
    await executor.process(fakeBatch(0, 3), new FakeControls());
    expect(calls).toEqual(['0', '1']);
    expect(host.calls).toEqual(['seek orders/0 2']);
    await executor.process(fakeBatch(2, 1), new FakeControls());
    expect(calls).toEqual(['0', '1', '2']);
    expect(host.produced.map((m) => [m.topic, m.headers?.karafka_original_offset])).toEqual([
      ['orders_dlq', '1'],
    ]);
    expect(log).toEqual([
      'claim shop_app-orders-0',
      'commit 1',
      'close', // message 1 failed: never retried in place
      'claim shop_app-orders-0', // the dispatch reads what was committed first
      'commit 2',
      'commit 3',
    ]);
    // Nothing goes to the group's plain offset commits.
    expect(host.lastMarked()).toBeUndefined();
  });

  it('does not dispatch when another owner committed past the message meanwhile: continues from there', async () => {
    const { host, log, executor } = setup();
    const consume = PoisonConsumer.prototype.consume;
    vi.spyOn(PoisonConsumer.prototype, 'consume').mockImplementation(function (
      this: PoisonConsumer,
      messages,
    ) {
      if (messages.first!.offset === '1') host.committed.set(0, '3');
      return consume.call(this, messages);
    });
    await executor.process(fakeBatch(0, 3), new FakeControls());
    expect(calls).toEqual(['0', '1']);
    expect(host.produced).toEqual([]);
    expect(log).toEqual([
      'claim shop_app-orders-0',
      'commit 1',
      'close',
      'claim shop_app-orders-0',
    ]);
    // The first failure is where the partition moved: another owner committed up to 3.
    // Retried from there, not from message 1.
    expect(host.calls.at(-1)).toBe('seek orders/0 3');
    const [dispatchError] = host
      .eventsNamed('error.occurred')
      .filter((e) => e.type === 'consumer.dead_letter.error');
    expect(String(dispatchError?.error)).toMatch(
      /committed meanwhile \(up to 3\) by another owner/,
    );
  });
});
