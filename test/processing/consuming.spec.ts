import { describe, expect, it } from 'vitest';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import type { Messages } from '../../lib/messages/messages.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, produceRaw, startKarafkaApp } from '../support/karafka-app.js';
import { Recorder } from '../support/recorder.js';

const apps = appsClosedAfterEach();

function keyed(count: number): Array<{ key: string; value: string }> {
  return Array.from({ length: count }, (_, i) => ({
    key: `k${i % 10}`,
    value: JSON.stringify({ seq: i }),
  }));
}

function expectOrderedPerPartition(recorder: Recorder, total: number): void {
  expect(recorder.seen).toHaveLength(total);
  const seqs = new Set(recorder.seen.map((s) => (s.payload as { seq: number }).seq));
  expect(seqs.size).toBe(total);
  for (const list of recorder.byPartition().values()) {
    const offsets = list.map((s) => BigInt(s.offset));
    const seq = list.map((s) => (s.payload as { seq: number }).seq);
    expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(seq).toEqual([...seq].sort((a, b) => a - b));
  }
}

describe('consuming from a real broker', () => {
  it('batch mode delivers every message once, in order per partition, to an injected consumer', async () => {
    const topic = uniqueName('batch');
    await createTopic(topic, 3);
    await produceRaw(topic, keyed(600));

    @Consumer(topic, { batch: true })
    class BatchConsumer extends BaseConsumer<{ seq: number }> {
      constructor(private readonly recorder: Recorder) {
        super();
      }
      consume(messages: Messages<{ seq: number }>): void {
        this.recorder.record(this, messages);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [Recorder, BatchConsumer],
    });
    apps.push(app);
    const recorder = app.app.get(Recorder);
    await eventually(() => recorder.seen.length >= 600, 30_000, '600 messages');
    expectOrderedPerPartition(recorder, 600);
    // Batches: fewer consume calls than messages, and each call holds one partition only.
    expect(recorder.calls.length).toBeLessThan(600);
    expect(recorder.calls.some((call) => call.size > 1)).toBe(true);
  });

  it('single mode calls consume once per message, in order per partition', async () => {
    const topic = uniqueName('single');
    await createTopic(topic, 2);
    await produceRaw(topic, keyed(200));

    @Consumer(topic)
    class SingleConsumer extends BaseConsumer<{ seq: number }> {
      constructor(private readonly recorder: Recorder) {
        super();
      }
      consume(messages: Messages<{ seq: number }>): void {
        this.recorder.record(this, messages);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [Recorder, SingleConsumer],
    });
    apps.push(app);
    const recorder = app.app.get(Recorder);
    await eventually(() => recorder.seen.length >= 200, 30_000, '200 messages');
    expectOrderedPerPartition(recorder, 200);
    expect(recorder.calls).toHaveLength(200);
    expect(recorder.calls.every((call) => call.size === 1)).toBe(true);
  });

  it('keeps one persistent instance per partition across batches, and it never sees another partition', async () => {
    const topic = uniqueName('persistent');
    await createTopic(topic, 2);

    // Each payload names the partition it was produced to, so a message handed to the wrong
    // instance is caught against Kafka's placement, not against the framework's own bookkeeping.
    const instancesByProducedPartition = new Map<number, Set<object>>();

    @Consumer(topic, { batch: true })
    class PersistentConsumer extends BaseConsumer<{ round: number; partition: number }> {
      constructor(private readonly recorder: Recorder) {
        super();
      }
      consume(messages: Messages<{ round: number; partition: number }>): void {
        for (const message of messages) {
          const produced = message.payload.partition;
          instancesByProducedPartition.set(
            produced,
            (instancesByProducedPartition.get(produced) ?? new Set()).add(this),
          );
        }
        this.recorder.record(this, messages);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [Recorder, PersistentConsumer],
    });
    apps.push(app);
    const recorder = app.app.get(Recorder);
    // Several separate produce rounds give several batches per partition.
    for (let round = 0; round < 4; round++) {
      await produceRaw(topic, [
        { partition: 0, value: JSON.stringify({ round, partition: 0 }) },
        { partition: 1, value: JSON.stringify({ round, partition: 1 }) },
      ]);
      await eventually(() => recorder.seen.length >= (round + 1) * 2, 20_000, `round ${round}`);
    }
    const calls0 = recorder.calls.filter((c) => c.partition === 0);
    const calls1 = recorder.calls.filter((c) => c.partition === 1);
    expect(calls0.length).toBeGreaterThan(1);
    expect(new Set(calls0.map((c) => c.instance)).size).toBe(1);
    expect(new Set(calls1.map((c) => c.instance)).size).toBe(1);
    expect(calls0[0]!.instance).not.toBe(calls1[0]!.instance);
    // Every message of Kafka partition p reached the one instance of partition p.
    expect([...instancesByProducedPartition.get(0)!]).toEqual([calls0[0]!.instance]);
    expect([...instancesByProducedPartition.get(1)!]).toEqual([calls1[0]!.instance]);
  });

  it('creates a fresh instance per batch with persistent: false', async () => {
    const topic = uniqueName('transient');
    await createTopic(topic, 1);

    @Consumer(topic, { batch: true, persistent: false })
    class TransientConsumer extends BaseConsumer {
      constructor(private readonly recorder: Recorder) {
        super();
      }
      consume(messages: Messages): void {
        this.recorder.record(this, messages);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [Recorder, TransientConsumer],
    });
    apps.push(app);
    const recorder = app.app.get(Recorder);
    for (let round = 0; round < 3; round++) {
      await produceRaw(topic, [{ value: JSON.stringify({ round }) }]);
      await eventually(() => recorder.seen.length >= round + 1, 20_000, `round ${round}`);
    }
    expect(recorder.calls).toHaveLength(3);
    expect(new Set(recorder.calls.map((c) => c.instance)).size).toBe(3);
  });
});
