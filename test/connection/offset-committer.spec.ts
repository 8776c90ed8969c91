import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { OffsetCommitter } from '../../lib/connection/offset-committer.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { IdentityTopicMapper } from '../../lib/mapping/topic-mapper.js';

type Offsets = Array<{ topic: string; partition: number; offset: string }>;

/** A stand-in for the kafkajs consumer's commitOffsets: records calls, fails on demand. */
function fakeConsumer() {
  const calls: Offsets[] = [];
  let failNext = 0;
  let release: (() => void) | undefined;
  const consumer = {
    commitOffsets: async (offsets: Offsets) => {
      calls.push(offsets);
      if (release === undefined && failNext > 0) {
        failNext--;
        await new Promise<void>((resolve) => (release = resolve));
        release = undefined;
        throw new Error('REBALANCE_IN_PROGRESS');
      }
    },
  };
  return {
    consumer: consumer as unknown as Consumer,
    calls,
    failNextAfterRelease: () => void (failNext = 1),
    release: () => release?.(),
  };
}

function committer(consumer: Consumer, monitor = new Monitor()) {
  return new OffsetCommitter(
    'g',
    () => consumer,
    { interval: 0, threshold: 0 },
    monitor,
    new IdentityTopicMapper(),
  );
}

describe('OffsetCommitter', () => {
  it('commits the next offset to read, and marks only move forward', async () => {
    const fake = fakeConsumer();
    const offsets = committer(fake.consumer);
    offsets.mark('t', 0, '5');
    offsets.mark('t', 0, '3');
    await offsets.commit();
    expect(fake.calls).toEqual([[{ topic: 't', partition: 0, offset: '6' }]]);
    expect(offsets.lastMarked('t', 0)).toBe(5n);
    await offsets.commit();
    expect(fake.calls).toHaveLength(1); // nothing new to commit
  });

  it('survives a failed commit while a partition is forgotten: later commits go on, nothing throws', async () => {
    const fake = fakeConsumer();
    const errors: unknown[] = [];
    const monitor = new Monitor();
    monitor.subscribe('error.occurred', (e) => void errors.push(e.payload.type));
    const offsets = committer(fake.consumer, monitor);
    offsets.mark('t', 0, '1');
    offsets.mark('t', 1, '2');
    fake.failNextAfterRelease();
    const failing = offsets.commit();
    await new Promise((resolve) => setTimeout(resolve, 10));
    offsets.forget('t', 0); // revoked while the commit is in flight
    fake.release();
    await expect(failing).resolves.toBeUndefined();
    expect(errors).toEqual(['consumer.commit.error']);

    await offsets.commit();
    expect(fake.calls.at(-1)).toEqual([{ topic: 't', partition: 1, offset: '3' }]);
  });

  it('commitOrThrow rejects when Kafka refused the offsets, and keeps them pending', async () => {
    const fake = fakeConsumer();
    const offsets = committer(fake.consumer);
    offsets.mark('t', 0, '9');
    fake.failNextAfterRelease();
    const strict = offsets.commitOrThrow();
    await new Promise((resolve) => setTimeout(resolve, 10));
    fake.release();
    await expect(strict).rejects.toThrow('REBALANCE_IN_PROGRESS');
    await offsets.commitOrThrow();
    expect(fake.calls.at(-1)).toEqual([{ topic: 't', partition: 0, offset: '10' }]);
  });

  /**
   * kafkajs' commitOffsets resolves without committing when its consumer is not running (it
   * crashed because the broker went away); only its COMMIT_OFFSETS event says the coordinator
   * took the offsets. A stand-in consumer that behaves like that: it emits only when told to.
   */
  function kafkajsLikeConsumer() {
    let running = false;
    const calls: Offsets[] = [];
    let onCommit: ((event: { payload: { topics: unknown[] } }) => void) | undefined;
    const consumer = {
      events: { COMMIT_OFFSETS: 'consumer.commit_offsets' },
      on: (_name: string, listener: typeof onCommit) => void (onCommit = listener),
      commitOffsets: async (offsets: Offsets) => {
        calls.push(offsets);
        if (!running) return; // what kafkajs' Runner does: no request, no error
        onCommit?.({
          payload: {
            topics: offsets.map((o) => ({
              topic: o.topic,
              partitions: [{ partition: o.partition, offset: o.offset }],
            })),
          },
        });
      },
    };
    return { consumer: consumer as unknown as Consumer, calls, run: () => void (running = true) };
  }

  it('does not take a commit that kafkajs silently dropped for committed: it reports it and keeps the offsets pending', async () => {
    const fake = kafkajsLikeConsumer();
    const monitor = new Monitor();
    const events: string[] = [];
    monitor.subscribe('error.occurred', (e) => void events.push(e.payload.type));
    monitor.subscribe('consumer.offsets.committed', (e) =>
      events.push(`committed ${e.payload.offsets.map((o) => o.offset).join()}`),
    );
    const offsets = committer(fake.consumer, monitor);
    offsets.watch(fake.consumer);
    offsets.mark('t', 0, '41');

    await offsets.commit();
    await expect(offsets.commitOrThrow()).rejects.toThrow(/did not take the offsets.*t\/0@42/);
    expect(events).toEqual(['consumer.commit.error', 'consumer.commit.error']);

    fake.run();
    await offsets.commit();
    expect(events.at(-1)).toBe('committed 42');
    expect(fake.calls).toHaveLength(3);
  });

  it('while suspended (client crashed) keeps marks pending, hands them over, and restores them', async () => {
    const fake = kafkajsLikeConsumer();
    fake.run();
    const offsets = committer(fake.consumer);
    offsets.watch(fake.consumer);
    offsets.mark('t', 0, '5');
    offsets.mark('t', 1, '7');
    await offsets.commit(); // both committed
    offsets.mark('t', 1, '9');
    offsets.suspend();
    await offsets.commit();
    await expect(offsets.commitOrThrow()).rejects.toThrow(/cannot commit now/);
    expect(fake.calls).toHaveLength(1);

    const carried = offsets.forgetAll();
    expect(carried).toEqual([{ topic: 't', partition: 1, next: 10n }]); // only what was not committed
    offsets.resume();
    offsets.restore(carried[0]!);
    await offsets.commit();
    expect(fake.calls.at(-1)).toEqual([{ topic: 't', partition: 1, offset: '10' }]);
  });
});
