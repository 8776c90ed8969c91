import { IsInt, IsString, Min } from 'class-validator';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, produceRaw, startKarafkaApp } from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

class OrderDto {
  @IsString() id!: string;
  @IsInt() @Min(1) qty!: number;
}

const zodOrder = z.object({ id: z.string(), qty: z.number().int().min(1) });
const valibotOrder = v.object({
  id: v.string(),
  qty: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

const good = { id: 'o-1', qty: 2 };
const bad = { id: 7, qty: 0 };

describe('payload: zod, valibot and class-validator side by side, on a real broker', () => {
  it('valid payloads reach consume as the schema output; every issue of an invalid one is in the error', async () => {
    const topics = {
      zod: uniqueName('zod'),
      valibot: uniqueName('valibot'),
      dto: uniqueName('dto'),
    };
    for (const topic of Object.values(topics)) {
      await createTopic(topic, 1);
      await produceRaw(topic, [
        { value: JSON.stringify(bad) },
        { value: JSON.stringify({ ...good, extra: true }) },
      ]);
    }
    const seen: Record<string, unknown[]> = { zod: [], valibot: [], dto: [] };
    const errors: Record<string, string[]> = { zod: [], valibot: [], dto: [] };
    const tryAll = (kind: string, messages: Messages) => {
      for (const message of messages) {
        try {
          seen[kind]!.push(message.payload);
        } catch (error) {
          errors[kind]!.push((error as Error).message);
        }
      }
    };

    @Consumer(topics.zod, { batch: true, payload: zodOrder })
    class ZodConsumer extends BaseConsumer<z.infer<typeof zodOrder>> {
      consume(messages: Messages<z.infer<typeof zodOrder>>): void {
        tryAll('zod', messages);
      }
    }
    @Consumer(topics.valibot, { batch: true, payload: valibotOrder })
    class ValibotConsumer extends BaseConsumer {
      consume(messages: Messages): void {
        tryAll('valibot', messages);
      }
    }
    @Consumer(topics.dto, { batch: true, payload: OrderDto })
    class DtoConsumer extends BaseConsumer<OrderDto> {
      consume(messages: Messages<OrderDto>): void {
        tryAll('dto', messages);
      }
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [ZodConsumer, ValibotConsumer, DtoConsumer],
      record: ['message.deserialize.error'],
    });
    apps.push(app);
    await eventually(
      () => Object.values(seen).every((list) => list.length >= 1),
      20_000,
      'a valid payload on each topic',
    );
    // zod strips unknown keys; valibot's object() too; the DTO keeps them as given.
    expect(seen.zod).toEqual([good]);
    expect(seen.valibot).toEqual([good]);
    expect(seen.dto![0]).toBeInstanceOf(OrderDto);
    expect(errors.zod).toHaveLength(1);
    expect(errors.zod![0]).toMatch(/at offset 0: zod validation failed: id: .*; qty: .*/);
    expect(errors.valibot![0]).toMatch(/at offset 0: valibot validation failed: id: .*; qty: .*/);
    expect(errors.dto![0]).toMatch(
      /at offset 0: OrderDto validation failed: id: must be a string; qty: must not be less than 1/,
    );
    const events = app.events as KarafkaEvent<'message.deserialize.error'>[];
    expect(new Set(events.map((event) => event.payload.topic))).toEqual(
      new Set(Object.values(topics)),
    );
  });

  it('a schema with an async refinement validates before consume', async () => {
    const topic = uniqueName('zod-async');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: JSON.stringify(good) }]);
    const checked = zodOrder.refine(async (order) => order.id.startsWith('o-'), {
      message: 'unknown order prefix',
      path: ['id'],
    });
    const seen: unknown[] = [];

    @Consumer(topic, { payload: checked })
    class AsyncSchemaConsumer extends BaseConsumer {
      consume(messages: Messages): void {
        seen.push(messages.first!.payload);
      }
    }
    apps.push(
      await startKarafkaApp({
        clientId: uniqueName('c'),
        providers: [AsyncSchemaConsumer],
        options: { pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true } },
      }),
    );
    await eventually(() => seen.length >= 1, 20_000, 'the payload');
    expect(seen).toEqual([good]);
  });
});
