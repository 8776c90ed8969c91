import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Responds } from '../../lib/responders/responds.decorator.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import {
  createTopic,
  eventually,
  kafkaBrokers,
  readTopic,
  totalEndOffset,
  uniqueName,
} from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  processingErrors,
  produceRaw,
  startKarafkaApp,
} from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

/** Key and value of the first `count` messages (headers are not what these tests check). */
async function readAll(topic: string, count: number) {
  return (await readTopic(topic, count)).map(({ key, value }) => ({ key, value }));
}

describe('consumers that respond, on a real broker', () => {
  it('delivers required and multiple responses (mapped) before marking the offsets', async () => {
    const prefix = `${uniqueName('p')}.`;
    const input = uniqueName('orders-in');
    const placed = uniqueName('placed');
    const audit = uniqueName('audit');
    const clientId = uniqueName('c');
    for (const topic of [input, placed, audit]) await createTopic(`${prefix}${topic}`, 1);
    await produceRaw(`${prefix}${input}`, [
      { key: 'cart-1', value: JSON.stringify({ id: 1, lines: 2 }) },
      { key: 'cart-2', value: JSON.stringify({ id: 2, lines: 1 }) },
    ]);

    @Consumer(input)
    @Responds(placed)
    @Responds(audit, { required: false, multiple: true })
    class OrdersConsumer extends BaseConsumer<{ id: number; lines: number }> {
      consume(messages: Messages<{ id: number; lines: number }>): void {
        const order = messages.first!.payload;
        this.respondTo(placed, { order: order.id }, { key: messages.first!.key });
        for (let line = 0; line < order.lines; line++)
          this.respondTo(audit, { order: order.id, line });
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [OrdersConsumer],
      options: {
        topicMapper: new PrefixTopicMapper(prefix),
        commit: { interval: 100, threshold: 0 },
      },
      record: ['responder.responded'],
    });
    apps.push(app);
    const orders = await readAll(`${prefix}${placed}`, 2);
    expect(orders).toEqual([
      { key: 'cart-1', value: '{"order":1}' },
      { key: 'cart-2', value: '{"order":2}' },
    ]);
    expect(await readAll(`${prefix}${audit}`, 3)).toHaveLength(3);
    const responded = app.events as KarafkaEvent<'responder.responded'>[];
    expect(responded.map((e) => e.payload.responses)).toEqual([
      { [placed]: 1, [audit]: 2 },
      { [placed]: 1, [audit]: 1 },
    ]);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, `${prefix}${input}`))[0] === '2',
      10_000,
      'commit',
    );
  });

  it('an invalid usage sends nothing, leaves the offset unmarked, and is retried until the usage is valid', async () => {
    const input = uniqueName('in');
    const single = uniqueName('single');
    const clientId = uniqueName('c');
    await createTopic(input, 1);
    await createTopic(single, 1);
    await produceRaw(input, [{ value: '{"n":1}' }]);
    let attempts = 0;

    @Consumer(input)
    @Responds(single)
    class TwiceConsumer extends BaseConsumer {
      consume(): void {
        attempts += 1;
        this.respondTo(single, { attempt: attempts });
        if (attempts < 3) this.respondTo(single, { again: true }); // single-use topic used twice
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [TwiceConsumer],
      options: {
        pause: { timeout: 300, maxTimeout: 300, exponentialBackoff: false },
        commit: { interval: 100, threshold: 0 },
      },
      record: ['error.occurred'],
    });
    apps.push(app);
    await eventually(() => processingErrors(app).length >= 1, 20_000, 'the usage error');
    const error = processingErrors(app)[0]!;
    expect(error.payload.type).toBe('responder.usage.error');
    expect(String(error.payload.error)).toMatch(/TwiceConsumer/);
    expect(await totalEndOffset(single)).toBe(0);
    expect((await committedOffsets(`${clientId}_app`, input))[0]).toBe('-1');

    await eventually(() => attempts >= 3, 20_000, 'the third attempt');
    expect(await readAll(single, 1)).toEqual([{ key: null, value: '{"attempt":3}' }]);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, input))[0] === '1',
      10_000,
      'commit',
    );
    expect(await totalEndOffset(single)).toBe(1);
  });

  it('marks only after delivery: a failed delivery leaves the offset uncommitted and is retried', async () => {
    const input = uniqueName('in');
    const out = uniqueName('out');
    const clientId = uniqueName('c');
    await createTopic(input, 1);
    await createTopic(out, 1);
    await produceRaw(input, [{ value: '{"n":1}' }]);
    let serializations = 0;
    const flakySerializer = {
      serialize(payload: unknown): string {
        serializations += 1;
        if (serializations === 1) throw new Error('serializer down');
        return JSON.stringify(payload);
      },
    };

    @Consumer(input)
    @Responds(out, { serializer: flakySerializer })
    class DeliveringConsumer extends BaseConsumer {
      consume(): void {
        this.respondTo(out, { ok: true });
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [DeliveringConsumer],
      options: {
        pause: { timeout: 1_000, maxTimeout: 1_000, exponentialBackoff: false },
        commit: { interval: 50, threshold: 0 },
      },
      record: ['error.occurred'],
    });
    apps.push(app);
    await eventually(() => processingErrors(app).length >= 1, 20_000, 'the delivery error');
    expect(processingErrors(app)[0]!.payload.type).toBe('responder.delivery.error');
    // Several commit intervals pass during the backoff: nothing may be committed yet.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await committedOffsets(`${clientId}_app`, input))[0]).toBe('-1');
    expect(await totalEndOffset(out)).toBe(0);

    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, input))[0] === '1',
      20_000,
      'commit after delivery',
    );
    expect(await readAll(out, 1)).toEqual([{ key: null, value: '{"ok":true}' }]);
  });

  it('a required responder that is not used fails the consume', async () => {
    const input = uniqueName('in');
    const required = uniqueName('required');
    await createTopic(input, 1);
    await produceRaw(input, [{ value: '{}' }]);

    @Consumer(input)
    @Responds(required)
    class ForgetfulConsumer extends BaseConsumer {
      consume(): void {}
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [ForgetfulConsumer],
      record: ['error.occurred'],
    });
    apps.push(app);
    await eventually(() => processingErrors(app).length >= 1, 20_000, 'the usage error');
    const error = processingErrors(app)[0]!;
    expect(error.payload.type).toBe('responder.usage.error');
    expect(String(error.payload.error)).toMatch(
      new RegExp(`did not respond to required topic "${required}"`),
    );
  });

  it('an HTTP controller injecting Producer produces a message a consumer of the same app receives', async () => {
    const topic = uniqueName('http');
    await createTopic(topic, 1);
    const received: unknown[] = [];

    @Consumer(topic)
    class EventsConsumer extends BaseConsumer {
      consume(messages: Messages): void {
        received.push({ key: messages.first!.key, payload: messages.first!.payload });
      }
    }
    @Controller('events')
    class EventsController {
      constructor(private readonly producer: Producer) {}
      @Post()
      async create(@Body() body: { id: string }) {
        const report = await this.producer.produceSync({ topic, key: body.id, payload: body });
        return { partition: report.partition, offset: report.offset };
      }
    }
    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
        }),
      ],
      providers: [EventsConsumer],
      controllers: [EventsController],
    })
    class HttpModule {}

    const app = await NestFactory.create(HttpModule, { logger: false });
    const stopped: string[] = [];
    app.get(Monitor).subscribe('app.stopped', () => void stopped.push('consumers'));
    app.get(Monitor).subscribe('producer.closed', () => void stopped.push('producer'));
    app.connectMicroservice({ strategy: app.get(KarafkaServer) });
    await app.startAllMicroservices();
    await app.init();
    try {
      const response = await request(app.getHttpServer())
        .post('/events')
        .send({ id: 'e-1' })
        .expect(201);
      expect(response.body).toEqual({ partition: 0, offset: '0' });
      await eventually(() => received.length >= 1, 20_000, 'the consumed event');
      expect(received).toEqual([{ key: 'e-1', payload: { id: 'e-1' } }]);
    } finally {
      await app.close();
    }
    // Consumers stop first; the producer flushes and closes last.
    expect(stopped).toEqual(['consumers', 'producer']);
  });
});
