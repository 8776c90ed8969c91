import {
  Catch,
  Controller,
  Module,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type INestMicroservice,
  type NestInterceptor,
  type PipeTransform,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  Ctx,
  EventPattern,
  KafkaContext,
  MessagePattern,
  Payload,
  RpcException,
  Transport,
} from '@nestjs/microservices';
import { from, lastValueFrom, map, throwError, toArray, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import { KarafkaKafkaContext } from '../../lib/patterns/karafka-kafka-context.js';
import { KarafkaRoute } from '../../lib/patterns/karafka-route.decorator.js';
import { RouteRegistry } from '../../lib/routing/route-registry.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { Producer } from '../../lib/producer/producer.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { createTopic, eventually, kafkaBrokers, readTopic, uniqueName } from '../support/kafka.js';
import { committedOffsets, produceRaw } from '../support/karafka-app.js';
import { readIsolated } from '../support/isolation-reader.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!().catch(() => undefined);
});

const fast = {
  pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true },
  commit: { interval: 100, threshold: 0 },
};

/** A hybrid app as README shows it: KarafkaServer connected as the app's microservice. */
async function startOnKarafka(
  controller: object,
  options: Record<string, unknown> = {},
): Promise<INestApplication> {
  @Module({
    imports: [
      KarafkaModule.forRoot({
        clientId: uniqueName('patterns'),
        kafka: { brokers: kafkaBrokers() },
        logger: false,
        ...fast,
        ...options,
      }),
    ],
    controllers: [controller as never],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  app.connectMicroservice({ strategy: app.get(KarafkaServer) });
  await app.startAllMicroservices();
  await app.init();
  closers.push(() => app.close());
  return app;
}

/** The same controller on Nest's own Kafka transport (ServerKafka). */
async function startOnServerKafka(controller: object, groupId: string): Promise<INestMicroservice> {
  @Module({ controllers: [controller as never] })
  class AppModule {}
  const app = await NestFactory.createMicroservice(AppModule, {
    logger: false,
    transport: Transport.KAFKA,
    options: {
      client: { brokers: kafkaBrokers(), clientId: uniqueName('nest') },
      consumer: { groupId },
      subscribe: { fromBeginning: true },
      run: { autoCommitInterval: 100 },
    },
  });
  await app.listen();
  closers.push(() => app.close());
  return app;
}

async function connectClient(patterns: string[]): Promise<ClientKafka> {
  const client = new ClientKafka({
    client: { brokers: kafkaBrokers(), clientId: uniqueName('caller') },
    consumer: { groupId: uniqueName('caller-group') },
  });
  for (const pattern of patterns) client.subscribeToResponseOf(pattern);
  await client.connect();
  closers.push(() => client.close());
  return client;
}

describe('Nest @EventPattern / @MessagePattern handlers on KarafkaServer, on a real broker', () => {
  it('takes over an unchanged controller from ServerKafka in the same group: nothing lost, nothing replayed', async () => {
    const topic = uniqueName('orders');
    await createTopic(topic, 2);
    const seen: { id: number; by: string }[] = [];
    let by = 'nest';
    @Controller()
    class OrdersController {
      @EventPattern<string>(topic)
      onOrder(@Payload() order: { id: number }): void {
        seen.push({ id: order.id, by });
      }
    }
    const base = uniqueName('orders-service');
    const nest = await startOnServerKafka(OrdersController, base);
    await produceRaw(
      topic,
      [1, 2, 3, 4, 5, 6].map((id) => ({ key: String(id), value: JSON.stringify({ id }) })),
    );
    await eventually(() => seen.length === 6, 30_000, 'ServerKafka to handle the first six');
    // Nest's group is `<consumer.groupId>-server`: wait for its commits, then stop it.
    await eventually(async () => {
      const offsets = await committedOffsets(`${base}-server`, topic);
      return Number(offsets[0]) + Number(offsets[1]) === 6;
    });
    await nest.close();
    closers.pop();

    await produceRaw(
      topic,
      [7, 8, 9, 10].map((id) => ({ key: String(id), value: JSON.stringify({ id }) })),
    );
    by = 'karafka';
    const app = await startOnKarafka(OrdersController, { patternGroupId: `${base}-server` });
    await eventually(() => seen.length >= 10, 30_000, 'KarafkaServer to handle the rest');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(seen.map((s) => s.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(
      seen
        .filter((s) => s.by === 'karafka')
        .map((s) => s.id)
        .sort((a, b) => a - b),
    ).toEqual([7, 8, 9, 10]);
    const route = app.get(RouteRegistry).table.routes[0]!;
    expect(route.groupId).toBe(`${base}-server`);
    expect(route.pattern).toEqual({
      kind: 'event',
      pattern: topic,
      controller: 'OrdersController',
      method: 'onOrder',
    });
  });

  it('answers an unchanged ClientKafka.send() with values, observables and RpcException errors; emit() reaches @EventPattern with a KafkaContext', async () => {
    const sum = uniqueName('sum');
    const count = uniqueName('count');
    const fail = uniqueName('fail');
    const audit = uniqueName('audit');
    for (const topic of [sum, count, fail, audit]) await createTopic(topic, 1);
    for (const topic of [sum, count, fail]) await createTopic(`${topic}.reply`, 1);
    const audited: { payload: unknown; isKafkaContext: boolean; topic: string; value: unknown }[] =
      [];
    @Controller()
    class MathController {
      @MessagePattern<string>(sum)
      async sum(@Payload() numbers: number[]): Promise<{ total: number }> {
        return { total: numbers.reduce((a, b) => a + b, 0) };
      }

      @MessagePattern<string>(count)
      count(@Payload() { upTo }: { upTo: number }) {
        return from(Array.from({ length: upTo }, (_, i) => ({ i: i + 1 })));
      }

      @MessagePattern<string>(fail)
      fail(): never {
        throw new RpcException({ code: 'E_NOPE', message: 'no such account' });
      }

      @EventPattern<string>(audit)
      audit(@Payload() payload: unknown, @Ctx() context: KafkaContext): void {
        audited.push({
          payload,
          isKafkaContext: context instanceof KafkaContext,
          topic: context.getTopic(),
          value: context.getMessage().value,
        });
      }
    }
    await startOnKarafka(MathController);
    const client = await connectClient([sum, count, fail]);

    await expect(lastValueFrom(client.send(sum, [1, 2, 39]))).resolves.toEqual({ total: 42 });
    await expect(lastValueFrom(client.send(count, { upTo: 3 }).pipe(toArray()))).resolves.toEqual([
      { i: 1 },
      { i: 2 },
      { i: 3 },
    ]);
    await expect(lastValueFrom(client.send(fail, {}))).rejects.toEqual({
      code: 'E_NOPE',
      message: 'no such account',
    });

    await lastValueFrom(client.emit(audit, { who: 'ada' }));
    await lastValueFrom(client.emit(audit, 'plain text'));
    await eventually(() => audited.length === 2, 30_000, 'the events');
    expect(audited).toEqual([
      { payload: { who: 'ada' }, isKafkaContext: true, topic: audit, value: { who: 'ada' } },
      { payload: 'plain text', isKafkaContext: true, topic: audit, value: 'plain text' },
    ]);
  });

  it('gives a batch opt-in handler the payloads of each fetched batch, pauses a failing one with backoff (monitor events) and sends its message to the dead letter topic', async () => {
    const readings = uniqueName('readings');
    const payments = uniqueName('payments');
    const dlq = uniqueName('payments-dlq');
    for (const topic of [readings, payments, dlq]) await createTopic(topic, 1);
    await produceRaw(
      readings,
      Array.from({ length: 20 }, (_, i) => ({ value: JSON.stringify({ n: i }) })),
    );
    await produceRaw(payments, [
      { value: '{"amount":5}' },
      { value: '{"amount":-1}' },
      { value: '{"amount":7}' },
    ]);
    const batches: { payloads: unknown[]; size: number }[] = [];
    const paid: number[] = [];
    const events: string[] = [];
    @Controller()
    class MixedController {
      // The monitor reports pattern routes like any route: consume calls, backoff pauses.
      constructor(monitor: Monitor) {
        monitor.subscribe('consumer.consumed', ({ payload }) =>
          events.push(`consumed ${payload.topic}`),
        );
        monitor.subscribe('consumer.consuming.pause', ({ payload }) =>
          events.push(`paused ${payload.topic} at ${payload.offset}`),
        );
      }

      @EventPattern<string>(readings)
      @KarafkaRoute({ batch: true })
      onReadings(@Payload() payloads: { n: number }[], @Ctx() context: KarafkaKafkaContext): void {
        batches.push({ payloads, size: context.messages.size });
      }

      @EventPattern<string>(payments)
      @KarafkaRoute({ deadLetter: { topic: dlq, maxRetries: 1 } })
      onPayment(@Payload() payment: { amount: number }): void {
        if (payment.amount < 0) throw new Error('negative amount');
        paid.push(payment.amount);
      }
    }
    await startOnKarafka(MixedController);
    await eventually(
      () => batches.reduce((sum, batch) => sum + batch.payloads.length, 0) === 20,
      30_000,
      'the readings',
    );
    expect(batches.flatMap((batch) => batch.payloads)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ n: i })),
    );
    expect(batches.every((batch) => batch.size === batch.payloads.length)).toBe(true);
    expect(batches.length).toBeLessThan(20);

    await eventually(() => paid.length === 2, 30_000, 'the good payments');
    expect(paid).toEqual([5, 7]);
    const [dead] = await readTopic(dlq, 1);
    expect(dead!.value).toBe('{"amount":-1}');
    expect(events).toContain(`consumed ${readings}`);
    expect(events).toContain(`consumed ${payments}`);
    expect(events).toContain(`paused ${payments} at 1`);
  });

  it("applies the controller's guards, interceptors, pipes and filters, gives @Ctx() KafkaContext's getters, and maps topics both ways", async () => {
    const prefix = `${uniqueName('mapped')}.`;
    // Route topics as the code names them; Kafka (and the unchanged client) sees them prefixed.
    for (const topic of ['quote', 'quote.reply']) await createTopic(`${prefix}${topic}`, 1);

    class NoForbiddenSku implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        return context.switchToRpc().getData<{ sku: string }>().sku !== 'forbidden';
      }
    }
    class StampReply implements NestInterceptor {
      intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
        return next.handle().pipe(map((reply: object) => ({ ...reply, stamped: true })));
      }
    }
    class UpperCaseSku implements PipeTransform {
      transform(value: { sku: string }): { sku: string } {
        return { sku: value.sku.toUpperCase() };
      }
    }
    @Catch()
    class ErrorAsCode implements RpcExceptionFilter<Error> {
      catch(error: Error): Observable<never> {
        return throwError(() => ({ code: 'E_FILTERED', message: error.message }));
      }
    }

    @Controller()
    @UseGuards(NoForbiddenSku)
    @UseInterceptors(StampReply)
    @UseFilters(ErrorAsCode)
    class QuoteController {
      @MessagePattern<string>('quote')
      async quote(@Payload(UpperCaseSku) query: { sku: string }, @Ctx() context: KafkaContext) {
        if (query.sku === 'BROKEN') throw new Error('no price for BROKEN');
        await context.getHeartbeat()();
        return {
          sku: query.sku,
          topic: context.getTopic(),
          partition: context.getPartition(),
          offsetIsString: typeof context.getMessage().offset === 'string',
          // (not `value`: a reply with `key` or `value` is the Kafka message itself, as on Nest's)
          decoded: context.getMessage().value,
          consumerCanPause: typeof context.getConsumer()?.pause === 'function',
          producerIsKarafka: (context.getProducer() as unknown) instanceof Producer,
        };
      }
    }
    await startOnKarafka(QuoteController, { topicMapper: new PrefixTopicMapper(prefix) });
    const client = await connectClient([`${prefix}quote`]);

    await expect(lastValueFrom(client.send(`${prefix}quote`, { sku: 'abc' }))).resolves.toEqual({
      sku: 'ABC',
      topic: 'quote',
      partition: 0,
      offsetIsString: true,
      decoded: { sku: 'abc' },
      consumerCanPause: true,
      producerIsKarafka: true,
      stamped: true,
    });
    await expect(
      lastValueFrom(client.send(`${prefix}quote`, { sku: 'forbidden' })),
    ).rejects.toEqual({ code: 'E_FILTERED', message: 'Forbidden resource' });
    await expect(lastValueFrom(client.send(`${prefix}quote`, { sku: 'broken' }))).rejects.toEqual({
      code: 'E_FILTERED',
      message: 'no price for BROKEN',
    });
  });

  it('runs exactlyOnce handlers in transactions: a failed event call aborts what it sent, a request is answered in the transaction of its offset', async () => {
    const events = uniqueName('eo-events');
    const derived = uniqueName('eo-derived');
    const sum = uniqueName('eo-sum');
    for (const topic of [events, derived, sum, `${sum}.reply`]) await createTopic(topic, 1);
    await produceRaw(events, [{ value: '{"n":1}' }, { value: '{"n":2}' }]);
    let eventCalls = 0;
    @Controller()
    class TransactionalController {
      @EventPattern<string>(events)
      @KarafkaRoute({ exactlyOnce: true })
      async onEvent(@Payload() event: { n: number }, @Ctx() context: KafkaContext): Promise<void> {
        const producer = context.getProducer() as unknown as Producer;
        await producer.produceSync({ topic: derived, payload: { n: event.n } });
        if (eventCalls++ === 0) throw new Error('the first call fails after sending');
      }

      @MessagePattern<string>(sum)
      @KarafkaRoute({ exactlyOnce: true })
      sum(@Payload() numbers: number[]): { total: number } {
        return { total: numbers.reduce((a, b) => a + b, 0) };
      }
    }
    const app = await startOnKarafka(TransactionalController);
    const transactions: string[] = [];
    app.get(Monitor).subscribe('transaction.committed', (event) => {
      transactions.push(event.payload.transactionalId);
    });
    const client = await connectClient([sum]);
    // ClientKafka reads replies with kafkajs' default, read_committed: it gets the committed one.
    await expect(lastValueFrom(client.send(sum, [1, 2, 39]))).resolves.toEqual({ total: 42 });
    expect(transactions.some((id) => id.endsWith(`-${sum}-0`))).toBe(true);

    const committed = await readIsolated(derived, 'read_committed', (m) => m.length >= 2);
    expect(committed.map((m) => m.value)).toEqual(['{"n":1}', '{"n":2}']);
    const all = await readIsolated(derived, 'read_uncommitted', (m) => m.length >= 3);
    expect(all.map((m) => m.value)).toEqual(['{"n":1}', '{"n":1}', '{"n":2}']);
  });
});
