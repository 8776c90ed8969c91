import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import { Producer } from '../../lib/producer/producer.js';
import {
  NotTransactionalError,
  PayloadSerializationError,
  ProducerFencedError,
} from '../../lib/producer/producer.error.js';
import type { DeliveryHandle } from '../../lib/producer/producer-message.js';
import type { Serializer } from '../../lib/serialization/serialization.interfaces.js';
import { createTopic, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, startKarafkaApp, type TestApp } from '../support/karafka-app.js';
import { readIsolated, type IsolatedRead } from '../support/isolation-reader.js';

const apps = appsClosedAfterEach();

async function transactionalApp(transactionalId?: string): Promise<TestApp> {
  const app = await startKarafkaApp({
    clientId: uniqueName('tx'),
    providers: [],
    options: { producer: transactionalId ? { transactionalId } : {} },
    record: ['transaction.started', 'transaction.committed', 'transaction.aborted'],
    listen: false,
  });
  apps.push(app);
  return app;
}

const values = (messages: IsolatedRead[]) => messages.map((m) => m.value);

/** Serializes after a delay that shrinks with `n`, so later payloads finish first. */
class SlowSerializer implements Serializer {
  async serialize(payload: unknown): Promise<string> {
    const { n, fail } = payload as { n: number; fail?: boolean };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 40 - n * 4)));
    if (fail) throw new Error(`cannot encode n=${n}`);
    return `slow:${n}`;
  }
}
const has = (value: string) => (messages: IsolatedRead[]) =>
  messages.some((m) => m.value === value);

describe('Producer.transaction', () => {
  it('makes what it sends visible to read_committed readers on commit, through tx and the producer alike', async () => {
    const topic = uniqueName('tx-commit');
    await createTopic(topic);
    const app = await transactionalApp(uniqueName('tx-id'));
    const producer = app.app.get(Producer);

    const result = await producer.transaction(async (tx) => {
      await tx.produceSync({ topic, payload: 'a' });
      producer.produceAsync({ topic, payload: 'b' });
      await producer.produceManySync([{ topic, payload: 'c' }]);
      // Nested: joins this transaction instead of starting one.
      await producer.transaction((inner) => inner.produceSync({ topic, payload: 'd' }));
      return 42;
    });

    expect(result).toBe(42);
    const committed = await readIsolated(topic, 'read_committed', (m) => m.length >= 4);
    expect(values(committed).sort()).toEqual(['a', 'b', 'c', 'd']);
    const ids = app.events.map((e) => e.id);
    expect(ids).toEqual(['transaction.started', 'transaction.committed']);
    const committedEvent = app.events[1] as KarafkaEvent<'transaction.committed'>;
    expect(committedEvent.duration).toBeGreaterThan(0);
    expect(committedEvent.payload.transactionalId).toBe(producer.transactionalId);
  });

  it('aborts when the callback throws: rethrows, read_committed readers never see it, read_uncommitted ones do', async () => {
    const topic = uniqueName('tx-abort');
    await createTopic(topic);
    const app = await transactionalApp(uniqueName('tx-id'));
    const producer = app.app.get(Producer);
    const failure = new Error('transform failed');

    await expect(
      producer.transaction(async (tx) => {
        await tx.produceSync({ topic, payload: 'aborted-sync' });
        const handle = tx.produceAsync({ topic, payload: 'aborted-async' });
        handle.report.catch(() => undefined);
        throw failure;
      }),
    ).rejects.toBe(failure);
    // Outside a transaction a transactional producer sends in a transaction of its own.
    await producer.produceSync({ topic, payload: 'after' });

    const committed = await readIsolated(topic, 'read_committed', has('after'));
    expect(values(committed)).toEqual(['after']);
    const uncommitted = await readIsolated(topic, 'read_uncommitted', has('after'));
    expect(values(uncommitted)).toEqual(['aborted-sync', 'after']);
    expect(app.events.map((e) => e.id)).toEqual([
      'transaction.started',
      'transaction.aborted',
      'transaction.started',
      'transaction.committed',
    ]);
    expect((app.events[1] as KarafkaEvent<'transaction.aborted'>).payload.error).toBe(failure);
  });

  it('holds async sends with async serializers for the commit, in call order; one that cannot be serialized aborts it', async () => {
    const topic = uniqueName('tx-async-serde');
    await createTopic(topic);
    const app = await transactionalApp(uniqueName('tx-id'));
    const producer = app.app.get(Producer);
    const serializer = new SlowSerializer();

    const handles = await producer.transaction((tx): DeliveryHandle[] => {
      const first = tx.produceAsync({ topic, payload: { n: 0 }, serializer });
      const many = producer.produceManyAsync([
        { topic, payload: { n: 1 }, serializer },
        { topic, payload: { n: 9 }, serializer },
      ]);
      producer.buffer({ topic, payload: { n: 5 }, serializer });
      return [first, ...many, ...producer.flushAsync()];
    });
    const reports = await Promise.all(handles.map((handle) => handle.report));
    expect(reports.map((report) => Number(report.offset))).toEqual([0, 1, 2, 3]);
    const committed = await readIsolated(topic, 'read_committed', (m) => m.length >= 4);
    expect(values(committed)).toEqual(['slow:0', 'slow:1', 'slow:9', 'slow:5']);

    const failed = producer.transaction(async (tx) => {
      await tx.produceSync({ topic, payload: 'sent-before' });
      tx.produceAsync({ topic, payload: { n: 2, fail: true }, serializer }).report.catch(
        () => undefined,
      );
    });
    await expect(failed).rejects.toBeInstanceOf(PayloadSerializationError);
    await producer.produceSync({ topic, payload: 'after' });
    const later = await readIsolated(topic, 'read_committed', has('after'));
    expect(values(later)).toEqual(['slow:0', 'slow:1', 'slow:9', 'slow:5', 'after']);
    expect(app.events.map((e) => e.id).slice(2)).toEqual([
      'transaction.started',
      'transaction.aborted',
      'transaction.started',
      'transaction.committed',
    ]);
  });

  it('fences a zombie: an older producer with the same transactional id cannot commit, and is rebuilt on next use', async () => {
    const topic = uniqueName('tx-fence');
    await createTopic(topic);
    const id = uniqueName('tx-shared-id');
    const zombie = (await transactionalApp(id)).app.get(Producer);
    await zombie.connect();
    const successor = (await transactionalApp(id)).app.get(Producer);
    await successor.connect(); // claims the id: the zombie's epoch is now stale

    const fenced = await zombie
      .transaction((tx) => tx.produceSync({ topic, payload: 'zombie' }))
      .catch((error: unknown) => error);
    expect(fenced).toBeInstanceOf(ProducerFencedError);
    await successor.transaction((tx) => tx.produceSync({ topic, payload: 'successor' }));

    const committed = await readIsolated(topic, 'read_committed', has('successor'));
    expect(values(committed)).toEqual(['successor']);

    // The fenced producer was dropped: its next use builds a new one that takes the id over.
    await zombie.transaction((tx) => tx.produceSync({ topic, payload: 'rebuilt' }));
    await expect(
      successor.transaction((tx) => tx.produceSync({ topic, payload: 'now-fenced' })),
    ).rejects.toBeInstanceOf(ProducerFencedError);
    const later = await readIsolated(topic, 'read_committed', has('rebuilt'));
    expect(values(later)).toEqual(['successor', 'rebuilt']);
  });

  it('refuses transaction() on a producer without transactionalId', async () => {
    const app = await transactionalApp();
    await expect(app.app.get(Producer).transaction(async () => undefined)).rejects.toBeInstanceOf(
      NotTransactionalError,
    );
  });
});
