import {
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { KarafkaContext } from '../../../lib/enhancers/karafka-context.js';
import type { KarafkaEvent } from '../../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../../lib/messages/messages.js';
import { BaseConsumer } from '../../../lib/processing/base-consumer.js';
import { Consumer } from '../../../lib/routing/consumer.decorator.js';
import { KarafkaRoutingError } from '../../../lib/routing/routing.error.js';
import {
  createTopic,
  eventually,
  readTopic,
  totalEndOffset,
  uniqueName,
} from '../../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  processingErrors,
  produceRaw,
  startKarafkaApp,
} from '../../support/karafka-app.js';

const apps = appsClosedAfterEach();

const fast = {
  pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true },
  commit: { interval: 100, threshold: 0 },
};

type Order = { key: string; seq: number; poison?: boolean };

/** `count` orders over `keys` keys, each key's orders numbered 0, 1, 2, ... in produce order. */
function orders(count: number, keys: number, poisonAt?: number) {
  const next = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    // Keys in no pattern a split by position could follow by chance.
    const key = `customer-${(Math.imul(i + 1, 2654435761) >>> 0) % keys}`;
    const seq = next.get(key) ?? 0;
    next.set(key, seq + 1);
    const order: Order = { key, seq, ...(i === poisonAt ? { poison: true } : {}) };
    return { key, value: JSON.stringify(order) };
  });
}

describe('virtual partitions, on a real broker', () => {
  it('keeps the order of each key across 10,000 messages with 50 keys, consumed concurrently', async () => {
    const topic = uniqueName('vp-order');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    await produceRaw(topic, orders(10_000, 50));
    const seen = new Map<string, number[]>();
    const virtualPartitions = new Set<number>();
    let running = 0;
    let peak = 0;

    @Consumer(topic, { batch: true, virtualPartitions: { max: 10 } })
    class OrdersConsumer extends BaseConsumer<Order> {
      async consume(messages: Messages<Order>): Promise<void> {
        running += 1;
        peak = Math.max(peak, running);
        virtualPartitions.add(this.virtualPartition!);
        for (const message of messages) {
          // Yield a random number of turns: the groups interleave as with real I/O.
          for (let turns = Math.floor(Math.random() * 4); turns > 0; turns--) {
            await new Promise((resolve) => setImmediate(resolve));
          }
          const list = seen.get(message.key!) ?? [];
          list.push(message.payload.seq);
          seen.set(message.key!, list);
        }
        running -= 1;
      }
    }

    apps.push(await startKarafkaApp({ clientId, providers: [OrdersConsumer], options: fast }));
    await eventually(
      () => [...seen.values()].reduce((sum, list) => sum + list.length, 0) >= 10_000,
      60_000,
      'all 10,000 orders',
    );
    expect(seen.size).toBe(50);
    for (const [key, list] of seen) {
      expect(list, key).toEqual(Array.from({ length: list.length }, (_, i) => i));
    }
    expect(peak).toBeGreaterThan(1); // the groups really ran at the same time
    expect(virtualPartitions.size).toBeGreaterThan(1);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, topic))[0] === '10000',
      10_000,
      'the commit of everything',
    );
  });

  it('single mode with an interceptor: every call goes through it, and it and the events know the virtual partition', async () => {
    const topic = uniqueName('vp-enhanced');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 20}`, value: `{"n":${i}}` })),
    );
    const intercepted = new Map<string, number | undefined>();
    const consumed = new Map<string, { key: string; vp: number | undefined }>();

    @Injectable()
    class SeesVirtualPartition implements NestInterceptor {
      intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
        const karafka = context.switchToRpc().getContext<KarafkaContext>();
        intercepted.set(karafka.getMessage().offset, karafka.virtualPartition);
        return next.handle();
      }
    }

    @Consumer(topic, { batch: false, virtualPartitions: { max: 4 } })
    @UseInterceptors(SeesVirtualPartition)
    class KeyedConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        const message = messages.first!;
        consumed.set(message.offset, { key: message.key!, vp: this.virtualPartition });
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [KeyedConsumer, SeesVirtualPartition],
      options: fast,
      record: ['consumer.consumed'],
    });
    apps.push(app);
    await eventually(() => consumed.size >= 200, 30_000, 'all 200 messages');
    // One call per message, each through the interceptor, which saw the instance's virtual partition.
    expect(intercepted.size).toBe(200);
    for (const [offset, { vp }] of consumed) expect(intercepted.get(offset), offset).toBe(vp);
    // Each key in one virtual partition; more than one in use.
    const home = new Map<string, number | undefined>();
    for (const { key, vp } of consumed.values()) {
      expect(vp).toBeTypeOf('number');
      expect(home.get(key) ?? vp, key).toBe(vp);
      home.set(key, vp);
    }
    expect(new Set(home.values()).size).toBeGreaterThan(1);
    const events = app.events as KarafkaEvent<'consumer.consumed'>[];
    expect(events).toHaveLength(200);
    for (const { payload } of events) {
      expect(payload.virtualPartition, payload.firstOffset).toBe(
        consumed.get(payload.firstOffset)!.vp,
      );
    }
  });

  it('a failing group: nothing committed past it, the retry runs collapsed, everything processed', async () => {
    const topic = uniqueName('vp-fail');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    await produceRaw(topic, orders(300, 10, 150));
    const processed = new Set<string>();
    let failures = 0;
    let poisonDone = false;

    @Consumer(topic, { virtualPartitions: { max: 5 } })
    class OrdersConsumer extends BaseConsumer<Order> {
      async consume(messages: Messages<Order>): Promise<void> {
        const message = messages.first!;
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (message.payload.poison) {
          if (failures < 2) {
            failures += 1;
            throw new Error(`order ${message.offset} failed`);
          }
          poisonDone = true;
        }
        processed.add(message.offset);
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [OrdersConsumer],
      options: fast,
      record: ['consumer.consume', 'error.occurred'],
      listen: false,
    });
    apps.push(app);
    const committedBeforePoison: number[] = [];
    app.monitor.subscribe('consumer.offsets.committed', (event) => {
      if (poisonDone) return;
      for (const { offset } of event.payload.offsets) committedBeforePoison.push(Number(offset));
    });
    await app.server.start();
    await eventually(() => processed.size >= 300, 30_000, 'all 300 orders');
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, topic))[0] === '300',
      10_000,
      'the commit of everything',
    );

    // Kafka's committed offset is the next one to read: 150 = everything below the poison.
    expect(committedBeforePoison.length).toBeGreaterThan(0);
    expect(Math.max(...committedBeforePoison)).toBeLessThanOrEqual(150);
    const failed = processingErrors(app);
    expect(failed.map((e) => e.payload.type)).toEqual([
      'consumer.consume.error',
      'consumer.consume.error',
    ]);
    expect(failed[0]!.payload.virtualPartition).toEqual(expect.any(Number));
    // The first call for the poison ran in its virtual partition; the retries collapsed.
    const calls = (
      app.events.filter((e) => e.id === 'consumer.consume') as KarafkaEvent<'consumer.consume'>[]
    ).filter((e) => e.payload.firstOffset === '150');
    expect(calls.map((e) => e.payload.virtualPartition)).toEqual([
      failed[0]!.payload.virtualPartition,
      undefined,
      undefined,
    ]);
  });

  it('with a dead letter topic only the poison message is moved', async () => {
    const topic = uniqueName('vp-dlq');
    const dlq = uniqueName('vp-dlq-target');
    await createTopic(topic, 1);
    await produceRaw(topic, orders(200, 10, 77));
    const processed = new Set<number>();

    @Consumer(topic, {
      batch: true,
      virtualPartitions: { max: 4 },
      deadLetter: { topic: dlq, maxRetries: 1 },
    })
    class OrdersConsumer extends BaseConsumer<Order> {
      consume(messages: Messages<Order>): void {
        for (const message of messages) {
          if (message.payload.poison) throw new Error(`cannot handle ${message.offset}`);
          processed.add(Number(message.offset));
        }
      }
    }

    apps.push(
      await startKarafkaApp({
        clientId: uniqueName('c'),
        providers: [OrdersConsumer],
        options: fast,
      }),
    );
    await eventually(() => processed.size >= 199, 30_000, 'every good order');
    expect(processed.has(77)).toBe(false);
    const letters = await readTopic(dlq, 1);
    expect(await totalEndOffset(dlq)).toBe(1);
    expect(JSON.parse(letters[0]!.value!)).toMatchObject({ poison: true });
    expect(letters[0]!.headers.karafka_original_offset).toBe('77');
    // Its group's failed call and its own on the collapsed replay: 1 + maxRetries.
    expect(letters[0]!.headers.karafka_attempts).toBe('2');
  });

  it('refuses virtual partitions with manual offsets, and a bad max, at boot', async () => {
    const topic = uniqueName('vp-bad');
    @Consumer(topic, { manualOffsets: true, virtualPartitions: { max: 4 } })
    class ManualConsumer extends BaseConsumer {
      consume(): void {}
    }
    await expect(
      startKarafkaApp({ clientId: uniqueName('c'), providers: [ManualConsumer], listen: false }),
    ).rejects.toThrow(/virtualPartitions cannot be combined with manual offsets/);

    @Consumer(uniqueName('vp-bad'), { virtualPartitions: { max: 0 } })
    class ZeroConsumer extends BaseConsumer {
      consume(): void {}
    }
    const boot = startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [ZeroConsumer],
      listen: false,
    });
    await expect(boot).rejects.toThrow(KarafkaRoutingError);
    await expect(boot).rejects.toThrow(/virtualPartitions\.max: must be a whole number >= 1/);
  });
});
