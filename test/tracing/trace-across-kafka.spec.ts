import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Responds } from '../../lib/responders/responds.decorator.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { KarafkaTracingModule } from '../../lib/tracing/index.js';
import { createTopic, eventually, kafkaBrokers, readTopic, uniqueName } from '../support/kafka.js';

// The real SDK, registered globally as an app would: AsyncLocalStorage context manager and
// the W3C trace-context propagator; spans land in memory.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => provider.register());
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

async function startHttpApp(module: new () => unknown) {
  const app = await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  await app.get(KarafkaServer).start();
  return app;
}

describe('OpenTelemetry tracing across Kafka (real SDK, in-memory exporter)', () => {
  it('HTTP POST -> produceSync -> consumer -> responder -> second consumer is one trace', async () => {
    const orders = uniqueName('orders');
    const invoices = uniqueName('invoices');
    for (const topic of [orders, invoices]) await createTopic(topic, 2);
    const tracer = trace.getTracer('test-app');
    const invoiced: string[] = [];

    @Consumer(orders)
    @Responds(invoices)
    class OrdersConsumer extends BaseConsumer<{ id: string }> {
      async consume(messages: Messages<{ id: string }>): Promise<void> {
        // Work the consumer does itself (an HTTP client call, a query) nests under its span.
        await tracer.startActiveSpan('charge card', async (span) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          span.end();
        });
        this.respondTo(invoices, { order: messages.first!.payload.id });
      }
    }

    @Consumer(invoices, { batch: true })
    class InvoicesConsumer extends BaseConsumer<{ order: string }> {
      consume(messages: Messages<{ order: string }>): void {
        for (const message of messages) invoiced.push(message.payload.order);
      }
    }

    @Controller('orders')
    class OrdersController {
      constructor(private readonly producer: Producer) {}
      @Post()
      async place(@Body() body: { id: string }) {
        // What HTTP instrumentation does for a request: a SERVER span active in the handler.
        return tracer.startActiveSpan('POST /orders', { kind: SpanKind.SERVER }, async (span) => {
          try {
            return await this.producer.produceSync({ topic: orders, payload: body, key: body.id });
          } finally {
            span.end();
          }
        });
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
          initialOffset: 'earliest',
        }),
        KarafkaTracingModule.forRoot(),
      ],
      controllers: [OrdersController],
      providers: [OrdersConsumer, InvoicesConsumer],
    })
    class ShopModule {}

    const app = await startHttpApp(ShopModule);
    try {
      await request(app.getHttpServer()).post('/orders').send({ id: 'o-1' }).expect(201);
      await eventually(() => invoiced.includes('o-1'), 30_000, 'the invoice');
      await eventually(() => named(`${invoices} process`).length === 1, 5_000, 'the last span');
    } finally {
      await app.close();
    }

    const [http] = named('POST /orders');
    const [publish] = named(`${orders} publish`);
    const [process] = named(`${orders} process`);
    const [charge] = named('charge card');
    const [respond] = named(`${invoices} publish`);
    const [invoice] = named(`${invoices} process`);
    for (const span of [http, publish, process, charge, respond, invoice])
      expect(span).toBeDefined();

    // One trace, parent by parent.
    const traceId = http!.spanContext().traceId;
    for (const span of [publish, process, charge, respond, invoice]) {
      expect(span!.spanContext().traceId).toBe(traceId);
    }
    expect(parentOf(publish!)).toBe(http!.spanContext().spanId);
    expect(parentOf(process!)).toBe(publish!.spanContext().spanId);
    expect(parentOf(charge!)).toBe(process!.spanContext().spanId);
    expect(parentOf(respond!)).toBe(process!.spanContext().spanId);
    expect(parentOf(invoice!)).toBe(respond!.spanContext().spanId);

    expect(publish!.kind).toBe(SpanKind.PRODUCER);
    expect(publish!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': orders,
      'messaging.kafka.message.key': 'o-1',
      'messaging.kafka.offset': '0',
    });
    expect(process!.kind).toBe(SpanKind.CONSUMER);
    expect(process!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': orders,
      'messaging.consumer.group.name': expect.any(String),
      'messaging.destination.partition.id':
        publish!.attributes['messaging.destination.partition.id'],
      'messaging.kafka.offset': '0',
      'messaging.kafka.message.key': 'o-1',
      'messaging.batch.message_count': 1,
    });
    expect(process!.status.code).not.toBe(SpanStatusCode.ERROR);

    // The W3C header that crossed Kafka names the publish span.
    const [sent] = await readTopic(orders, 1);
    expect(sent!.headers.traceparent).toBe(`00-${traceId}-${publish!.spanContext().spanId}-01`);
  });

  it('links a batch to each message context (capped), and records a failed consume as ERROR', async () => {
    const topic = uniqueName('batched');
    await createTopic(topic, 1);
    const tracer = trace.getTracer('test-app');
    let calls = 0;
    let seen = 0;

    @Consumer(topic, { batch: true })
    class BatchConsumer extends BaseConsumer<number> {
      consume(messages: Messages<number>): void {
        if (++calls === 1) throw new Error('first call fails');
        seen += messages.size;
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
          initialOffset: 'earliest',
          pause: { timeout: 100, maxTimeout: 100 },
        }),
        KarafkaTracingModule.forRoot({ maxLinks: 3 }),
      ],
      providers: [BatchConsumer],
    })
    class BatchModule {}

    const app = await NestFactory.createApplicationContext(BatchModule, { logger: false });
    try {
      // Five messages from five traces, all in the topic before consuming starts: one batch.
      const producer = app.get(Producer);
      const roots: string[] = [];
      for (let i = 0; i < 5; i++) {
        await tracer.startActiveSpan(`request ${i}`, async (span) => {
          roots.push(span.spanContext().traceId);
          await producer.produceSync({ topic, payload: String(i) });
          span.end();
        });
      }
      await app.get(KarafkaServer).start();
      await eventually(() => seen === 5, 30_000, 'the retried batch');
      await eventually(() => named(`${topic} process`).length >= 2, 5_000, 'both spans');

      const [failed, retried] = named(`${topic} process`);
      expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed!.status.message).toBe('first call fails');
      expect(failed!.events.map((event) => event.name)).toContain('exception');
      expect(retried!.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(retried!.attributes['messaging.batch.message_count']).toBe(5);
      // Links to the first three messages' publish spans; the batch span starts its own trace.
      const publishes = named(`${topic} publish`).map((span) => span.spanContext().spanId);
      expect(retried!.links.map((link) => link.context.spanId)).toEqual(publishes.slice(0, 3));
      expect(retried!.links.map((link) => link.context.traceId)).toEqual(roots.slice(0, 3));
      expect(parentOf(retried!)).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('traces an exactlyOnce call: the publish spans of what it sends end with its transaction, under its process span', async () => {
    const input = uniqueName('eo-traced-in');
    const output = uniqueName('eo-traced-out');
    const audit = uniqueName('eo-traced-audit');
    for (const topic of [input, output, audit]) await createTopic(topic, 1);

    @Consumer(input, { exactlyOnce: true })
    @Responds(output)
    class TransformConsumer extends BaseConsumer<{ text: string }> {
      consume(messages: Messages<{ text: string }>): void {
        // Held by the call's transaction until it commits.
        this.producer.produceAsync({ topic: audit, payload: `seen ${messages.first!.offset}` });
        this.respondTo(output, messages.first!.payload.text.toUpperCase());
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
          initialOffset: 'earliest',
        }),
        KarafkaTracingModule.forRoot(),
      ],
      providers: [TransformConsumer],
    })
    class TransformModule {}

    const app = await NestFactory.createApplicationContext(TransformModule, { logger: false });
    try {
      await app.get(Producer).produceSync({ topic: input, payload: { text: 'hello' } });
      await app.get(KarafkaServer).start();
      await eventually(
        () => named(`${audit} publish`).length === 1 && named(`${output} publish`).length === 1,
        30_000,
        'the publish spans of the held message and the response',
      );
      await eventually(() => named(`${input} process`).length === 1, 5_000, 'the process span');
    } finally {
      await app.close();
    }
    const [process] = named(`${input} process`);
    const [held] = named(`${audit} publish`);
    const [respond] = named(`${output} publish`);
    expect(parentOf(held!)).toBe(process!.spanContext().spanId);
    expect(parentOf(respond!)).toBe(process!.spanContext().spanId);
    expect(held!.status.code).not.toBe(SpanStatusCode.ERROR);
  });
});
