import { IsInt, IsString, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import { MessageDeserializationError } from '../../lib/messages/message-deserialization.error.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  processingErrors,
  produceRaw,
  startKarafkaApp,
} from '../support/karafka-app.js';
import { Recorder } from '../support/recorder.js';

const apps = appsClosedAfterEach();

const fastPause = { pause: { timeout: 200, maxTimeout: 1_000, exponentialBackoff: true } };

describe('errors, retries and offsets on a real broker', () => {
  it('pauses a failing partition with backoff, retries in order, while another partition keeps flowing', async () => {
    const topic = uniqueName('backoff');
    await createTopic(topic, 2);
    await produceRaw(
      topic,
      Array.from({ length: 20 }, (_, i) => ({
        partition: i % 2,
        value: JSON.stringify({ seq: i }),
      })),
    );
    const failures: number[] = [];

    @Consumer(topic, { batch: true })
    class FlakyConsumer extends BaseConsumer<{ seq: number }> {
      constructor(private readonly recorder: Recorder) {
        super();
      }
      consume(messages: Messages<{ seq: number }>): void {
        if (this.partition === 0 && failures.length < 2) {
          failures.push(Date.now());
          throw new Error(`boom ${failures.length}`);
        }
        this.recorder.record(this, messages);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [Recorder, FlakyConsumer],
      options: fastPause,
      record: ['error.occurred', 'consumer.consuming.pause', 'consumer.consuming.retry'],
    });
    apps.push(app);
    const recorder = app.app.get(Recorder);
    await eventually(() => recorder.seen.length >= 20, 30_000, 'all 20 messages');

    const byPartition = recorder.byPartition();
    const seq0 = byPartition.get(0)!.map((s) => (s.payload as { seq: number }).seq);
    expect(seq0).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(recorder.seen.filter((s) => s.partition === 0)).toHaveLength(10); // nothing twice
    // Partition 1 was fully processed before partition 0 recovered.
    const firstOk0 = recorder.seen.findIndex((s) => s.partition === 0);
    const lastOf1 = recorder.seen.map((s) => s.partition).lastIndexOf(1);
    expect(lastOf1).toBeLessThan(firstOk0);

    const errors = processingErrors(app);
    expect(errors.map((e) => e.payload.type)).toEqual([
      'consumer.consume.error',
      'consumer.consume.error',
    ]);
    expect(errors[0]!.payload).toMatchObject({ topic, partition: 0, consumer: 'FlakyConsumer' });
    const pauses = app.events.filter(
      (e) => e.id === 'consumer.consuming.pause',
    ) as KarafkaEvent<'consumer.consuming.pause'>[];
    expect(pauses.map((p) => p.payload.timeout)).toEqual([200, 400]); // exponential
    expect(pauses.every((p) => p.payload.offset === '0')).toBe(true);
    expect(app.events.filter((e) => e.id === 'consumer.consuming.retry')).toHaveLength(2);
    expect(failures[1]! - failures[0]!).toBeGreaterThanOrEqual(190);
  });

  it('parses lazily: a malformed message keeps its metadata readable, its payload throws and takes the error path', async () => {
    const topic = uniqueName('lazy');
    await createTopic(topic, 1);
    await produceRaw(topic, [
      { key: 'a', value: JSON.stringify({ ok: 1 }) },
      { key: 'b', value: '{not json', headers: { kind: 'broken' } },
      { key: 'c', value: JSON.stringify({ ok: 3 }) },
    ]);
    const observed: string[] = [];
    let attempts = 0;

    @Consumer(topic, { batch: true })
    class LazyConsumer extends BaseConsumer<{ ok: number }> {
      consume(messages: Messages<{ ok: number }>): void {
        attempts += 1;
        const broken = messages.toArray()[1]!;
        // Metadata never parses.
        observed.push(
          `${broken.key}:${broken.offset}:${broken.headers.kind}:${broken.deserialized}`,
        );
        if (attempts === 1) {
          void broken.payload; // throws: error path
        }
        try {
          void broken.payload;
        } catch (error) {
          observed.push(
            error instanceof MessageDeserializationError ? 'deserialization-error' : 'other',
          );
        }
        observed.push(String(messages.first!.payload.ok), String(messages.last!.payload.ok));
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [LazyConsumer],
      options: fastPause,
      record: ['message.deserialize.error', 'error.occurred', 'consumer.consuming.pause'],
    });
    apps.push(app);
    await eventually(() => observed.length >= 5, 20_000, 'the retry');
    expect(observed).toEqual([
      'b:1:broken:false',
      'b:1:broken:false',
      'deserialization-error',
      '1',
      '3',
    ]);
    const deserializeErrors = app.events.filter((e) => e.id === 'message.deserialize.error');
    expect(deserializeErrors.length).toBe(2); // once per access: the later access retried
    expect(deserializeErrors[0]!.payload).toMatchObject({ topic, partition: 0, offset: '1' });
    const error = processingErrors(app)[0]!;
    expect(error.payload.error).toBeInstanceOf(MessageDeserializationError);
    expect(app.events.some((e) => e.id === 'consumer.consuming.pause')).toBe(true);
  });

  it('turns payloads into validated DTO instances, and an invalid one is a deserialization error', async () => {
    const topic = uniqueName('dto');
    await createTopic(topic, 1);

    class OrderDto {
      @IsString() id!: string;
      @IsInt() @Min(1) quantity!: number;
      total(): number {
        return this.quantity * 2;
      }
    }
    await produceRaw(topic, [
      { value: JSON.stringify({ id: 'o1', quantity: 2 }) },
      { value: JSON.stringify({ id: 'o2', quantity: 0 }) },
      { value: JSON.stringify([{ id: 'o3', quantity: 1 }]) },
    ]);
    const results: string[] = [];

    @Consumer(topic, { payload: OrderDto })
    class OrdersConsumer extends BaseConsumer<OrderDto> {
      consume(messages: Messages<OrderDto>): void {
        const message = messages.first!;
        try {
          const order = message.payload;
          results.push(`${order instanceof OrderDto}:${order.total()}`);
        } catch (error) {
          results.push((error as Error).message);
        }
      }
    }

    const app = await startKarafkaApp({ clientId: uniqueName('c'), providers: [OrdersConsumer] });
    apps.push(app);
    await eventually(() => results.length >= 3, 20_000, 'three messages');
    expect(results[0]).toBe('true:4');
    expect(results[2]).toMatch(/payload must be an object to become a OrderDto, got an array/);
    expect(results[1]).toMatch(/OrderDto validation failed: quantity: must not be less than 1/);
  });

  it('batch mode: a failed batch is not committed, a restart brings all of it back', async () => {
    const topic = uniqueName('batch-fail');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    const firstRun: number[] = [];
    const secondRun: number[] = [];
    let run = firstRun;
    let failing = true;

    @Consumer(topic, { batch: true })
    class FailingBatchConsumer extends BaseConsumer<{ seq: number }> {
      consume(messages: Messages<{ seq: number }>): void {
        const seqs = [...messages].map((m) => m.payload.seq);
        if (failing && seqs.some((seq) => seq >= 5)) throw new Error('the second batch fails');
        run.push(...seqs);
      }
    }

    const first = await startKarafkaApp({
      clientId,
      providers: [FailingBatchConsumer],
      record: ['error.occurred'],
    });
    await produceRaw(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ seq: i }) })),
    );
    await eventually(() => firstRun.length >= 5, 20_000, 'the first batch');
    await produceRaw(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ seq: 5 + i }) })),
    );
    await eventually(() => processingErrors(first).length >= 1, 20_000, 'the failure');
    await first.close();
    expect(await committedOffsets(`${clientId}_app`, topic)).toEqual({ 0: '5' });

    failing = false;
    run = secondRun;
    const second = await startKarafkaApp({ clientId, providers: [FailingBatchConsumer] });
    apps.push(second);
    await eventually(() => secondRun.length >= 5, 20_000, 'the failed batch again');
    expect(firstRun).toEqual([0, 1, 2, 3, 4]);
    expect(secondRun).toEqual([5, 6, 7, 8, 9]);
  });

  it('manual offsets: unmarked messages come back after a restart, marked ones do not', async () => {
    const topic = uniqueName('manual');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: JSON.stringify({ seq: i }) })),
    );
    const firstRun: number[] = [];
    const secondRun: number[] = [];
    let run = firstRun;

    @Consumer(topic, { batch: true, manualOffsets: true })
    class ManualConsumer extends BaseConsumer<{ seq: number }> {
      consume(messages: Messages<{ seq: number }>): void {
        for (const message of messages) {
          run.push(message.payload.seq);
          if (message.payload.seq === 3) this.markAsConsumed(message);
        }
      }
    }

    const first = await startKarafkaApp({ clientId, providers: [ManualConsumer] });
    await eventually(() => firstRun.length >= 10, 20_000, 'first run');
    await first.close();
    expect(await committedOffsets(`${clientId}_app`, topic)).toEqual({ 0: '4' });

    run = secondRun;
    const second = await startKarafkaApp({ clientId, providers: [ManualConsumer] });
    apps.push(second);
    await eventually(() => secondRun.length >= 6, 20_000, 'second run');
    expect(firstRun).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(secondRun).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('manual offsets: a failure retries from the first unmarked message, even in an earlier batch', async () => {
    const topic = uniqueName('manual-retry');
    await createTopic(topic, 1);
    const seen: number[] = [];
    let failed = false;

    @Consumer(topic, { manualOffsets: true })
    class PartlyMarkingConsumer extends BaseConsumer<{ seq: number }> {
      consume(messages: Messages<{ seq: number }>): void {
        const message = messages.first!;
        if (message.payload.seq === 6 && !failed) {
          failed = true;
          throw new Error('boom at 6');
        }
        seen.push(message.payload.seq);
        if (message.payload.seq <= 1) this.markAsConsumed(message);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [PartlyMarkingConsumer],
      options: fastPause,
    });
    apps.push(app);
    // Two separate batches: 0..4, then 5..9 (the second fails once at 6).
    await produceRaw(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ seq: i }) })),
    );
    await eventually(() => seen.length >= 5, 20_000, 'the first batch');
    await produceRaw(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ seq: 5 + i }) })),
    );
    await eventually(() => seen.includes(9), 20_000, 'the retry');
    // Marked: 0 and 1. The retry starts at 2, the first unmarked message.
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('markAsConsumedSync commits at once', async () => {
    const topic = uniqueName('marksync');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: '{"n":1}' }, { value: '{"n":2}' }]);
    let committedInside: Record<number, string> | undefined;

    @Consumer(topic, { batch: true, manualOffsets: true })
    class SyncMarkConsumer extends BaseConsumer {
      async consume(messages: Messages): Promise<void> {
        await this.markAsConsumedSync(messages.first!);
        const { committedOffsets: read } = await import('../support/karafka-app.js');
        committedInside = await read(`${clientId}_app`, topic);
      }
    }

    const app = await startKarafkaApp({ clientId, providers: [SyncMarkConsumer] });
    apps.push(app);
    await eventually(() => committedInside !== undefined, 20_000, 'the commit');
    expect(committedInside).toEqual({ 0: '1' });
  });

  it('after a graceful stop, a restart resumes from the committed offsets: nothing lost, nothing twice', async () => {
    const topic = uniqueName('resume');
    const clientId = uniqueName('c');
    await createTopic(topic, 3);
    await produceRaw(
      topic,
      Array.from({ length: 90 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ seq: i }) })),
    );
    const seen: number[] = [];

    @Consumer(topic, { batch: true })
    class ResumeConsumer extends BaseConsumer<{ seq: number }> {
      consume(messages: Messages<{ seq: number }>): void {
        for (const message of messages) seen.push(message.payload.seq);
      }
    }

    const first = await startKarafkaApp({ clientId, providers: [ResumeConsumer] });
    await eventually(() => seen.length >= 90, 20_000, 'first 90');
    await first.close();

    await produceRaw(
      topic,
      Array.from({ length: 30 }, (_, i) => ({
        key: `k${i}`,
        value: JSON.stringify({ seq: 90 + i }),
      })),
    );
    const second = await startKarafkaApp({ clientId, providers: [ResumeConsumer] });
    apps.push(second);
    await eventually(() => seen.length >= 120, 20_000, 'next 30');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });
});
