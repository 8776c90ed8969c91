import {
  Catch,
  createParamDecorator,
  ForbiddenException,
  Injectable,
  Module,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type ArgumentMetadata,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type PipeTransform,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE, NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { EMPTY, tap, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConsumerEnhancers } from '../../lib/enhancers/consumer-enhancers.js';
import { KarafkaEnhancerError } from '../../lib/enhancers/enhancer.error.js';
import { KarafkaContext } from '../../lib/enhancers/karafka-context.js';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { directConsume } from '../../lib/processing/call-chain.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { RouteRegistry } from '../../lib/routing/route-registry.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { createTopic, eventually, kafkaBrokers, readTopic, uniqueName } from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  processingErrors,
  produceRaw,
  startKarafkaApp,
} from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

const fast = {
  pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true },
  commit: { interval: 100, threshold: 0 },
};

/** A provider the enhancers get through DI: what ran, in order. */
@Injectable()
class CallLog {
  readonly calls: string[] = [];
}

/** Starts a hybrid app the way README shows: globals on the app, then connectMicroservice. */
async function startHybridApp(
  module: object,
  setup: (app: INestApplication) => void,
): Promise<INestApplication> {
  const app = await NestFactory.create(module as never, { logger: false });
  setup(app);
  app.connectMicroservice({ strategy: app.get(KarafkaServer) });
  await app.startAllMicroservices();
  await app.init();
  apps.push({ close: () => app.close() } as never);
  return app;
}

describe('Nest enhancers around consume, on a real broker', () => {
  it("runs global, class and method guards, interceptors and pipes in Nest's order, with an rpc context, DI and param decorators", async () => {
    const topic = uniqueName('enhanced');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: '{"n":1}' }, { value: '{"n":2}' }]);
    const seen: {
      context?: ExecutionContext;
      rpcContext?: unknown;
      data?: unknown;
      args?: unknown[];
      duration?: number;
    } = {};

    class Logged implements CanActivate, NestInterceptor, PipeTransform {
      constructor(
        readonly name: string,
        readonly log: CallLog,
      ) {}
      canActivate(context: ExecutionContext): boolean {
        const name = this.name;
        this.log.calls.push(`guard:${name}`);
        if (name === 'method') {
          seen.context = context;
          seen.data = context.switchToRpc().getData();
          seen.rpcContext = context.switchToRpc().getContext();
        }
        return true;
      }
      intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
        const name = this.name;
        this.log.calls.push(`interceptor:${name}:before`);
        const started = performance.now();
        return next.handle().pipe(
          tap(() => {
            this.log.calls.push(`interceptor:${name}:after`);
            if (name === 'class') seen.duration = performance.now() - started;
          }),
        );
      }
      transform(value: unknown): unknown {
        const name = this.name;
        this.log.calls.push(`pipe:${name}`);
        // The method pipe turns the Messages into their payloads.
        return name === 'method' ? (value as Messages).payloads : value;
      }
    }
    // One class per level, each getting CallLog through DI.
    @Injectable()
    class GlobalEnhancer extends Logged {
      constructor(log: CallLog) {
        super('global', log);
      }
    }
    @Injectable()
    class ClassEnhancer extends Logged {
      constructor(log: CallLog) {
        super('class', log);
      }
    }
    @Injectable()
    class MethodEnhancer extends Logged {
      constructor(log: CallLog) {
        super('method', log);
      }
    }

    const FirstOffset = createParamDecorator(
      (_data: unknown, context: ExecutionContext) =>
        context.switchToRpc().getContext<KarafkaContext>().getMessage().offset,
    );

    @Consumer(topic, { batch: true })
    @UseGuards(ClassEnhancer)
    @UseInterceptors(ClassEnhancer)
    @UsePipes(ClassEnhancer)
    class EnhancedConsumer extends BaseConsumer<{ n: number }> {
      constructor(private readonly log: CallLog) {
        super();
      }
      @UseGuards(MethodEnhancer)
      @UseInterceptors(MethodEnhancer)
      @UsePipes(MethodEnhancer)
      async consume(
        @Payload() payloads: Messages<{ n: number }>,
        @Ctx() context?: KarafkaContext,
        @FirstOffset() offset?: string,
      ): Promise<void> {
        this.log.calls.push('consume');
        seen.args = [payloads, context, offset];
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
          ...fast,
        }),
      ],
      providers: [
        CallLog,
        EnhancedConsumer,
        { provide: APP_INTERCEPTOR, useClass: GlobalEnhancer },
      ],
    })
    class AppModule {}

    const app = await startHybridApp(AppModule, (nest) => {
      const log = nest.get(CallLog);
      nest.useGlobalGuards(new GlobalEnhancer(log));
      nest.useGlobalPipes(new GlobalEnhancer(log));
    });
    const log = app.get(CallLog);
    await eventually(() => log.calls.includes('interceptor:global:after'), 20_000, 'one call');

    expect(log.calls).toEqual([
      'guard:global',
      'guard:class',
      'guard:method',
      'interceptor:global:before',
      'interceptor:class:before',
      'interceptor:method:before',
      'pipe:global',
      'pipe:class',
      'pipe:method',
      'consume',
      'interceptor:method:after',
      'interceptor:class:after',
      'interceptor:global:after',
    ]);
    const context = seen.context!;
    expect(context.getType()).toBe('rpc');
    expect(context.getClass()).toBe(EnhancedConsumer);
    expect(context.getHandler()).toBe(EnhancedConsumer.prototype.consume);
    expect(seen.data).toBeInstanceOf(Messages);
    expect((seen.data as Messages).payloads).toEqual([{ n: 1 }, { n: 2 }]);
    const rpc = seen.rpcContext as KarafkaContext<{ n: number }>;
    expect(rpc).toBeInstanceOf(KarafkaContext);
    expect(rpc.messages).toBe(seen.data);
    expect([rpc.topic, rpc.getTopic(), rpc.partition, rpc.getPartition()]).toEqual([
      topic,
      topic,
      0,
      0,
    ]);
    expect(rpc.groupId).toMatch(/_app$/);
    expect(rpc.route.consumerClass).toBe(EnhancedConsumer);
    expect(rpc.getConsumer()).toBeInstanceOf(EnhancedConsumer);
    expect(rpc.consumer).toBe(rpc.getConsumer());
    expect(rpc.getMessage().offset).toBe('0');
    expect(rpc.getProducer()).toBe(app.get(Producer));
    await expect(rpc.heartbeat()).resolves.toBeUndefined();
    // @Payload() after the pipes, @Ctx() and the custom decorator.
    expect(seen.args).toEqual([[{ n: 1 }, { n: 2 }], rpc, '0']);
    expect(seen.duration).toBeGreaterThanOrEqual(35);
  });

  it('a denying guard fails the call: backoff and retry, then the dead letter topic', async () => {
    const topic = uniqueName('guarded');
    const dlq = uniqueName('guarded-dlq');
    await createTopic(topic, 1);
    await createTopic(dlq, 1);
    await produceRaw(topic, [{ value: '{"tenant":"bad"}' }, { value: '{"tenant":"good"}' }]);
    const consumed: string[] = [];
    let asked = 0;

    @Injectable()
    class TenantGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        asked += 1;
        const messages = context.switchToRpc().getData<Messages<{ tenant: string }>>();
        return messages.first!.payload.tenant === 'good';
      }
    }

    @Consumer(topic, { deadLetter: { topic: dlq, maxRetries: 1 } })
    @UseGuards(TenantGuard)
    class TenantConsumer extends BaseConsumer<{ tenant: string }> {
      consume(messages: Messages<{ tenant: string }>): void {
        consumed.push(messages.first!.payload.tenant);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [TenantConsumer],
      options: fast,
      record: ['error.occurred', 'consumer.consuming.pause'],
    });
    apps.push(app);
    const [letter] = await readTopic(dlq, 1);
    expect(letter!.value).toBe('{"tenant":"bad"}');
    expect(letter!.headers.karafka_error).toBe('ForbiddenException: Forbidden resource');
    await eventually(() => consumed.length === 1, 10_000, 'the good message');
    expect(consumed).toEqual(['good']);
    expect(asked).toBe(3); // bad twice (1 + maxRetries), good once
    const errors = processingErrors(app);
    expect(errors.map((e) => [e.payload.type, e.payload.handled])).toEqual([
      ['consumer.consume.error', undefined],
      ['consumer.consume.error', undefined],
    ]);
    expect(errors[0]!.payload.error).toBeInstanceOf(ForbiddenException);
    expect(app.events.filter((e) => e.id === 'consumer.consuming.pause')).toHaveLength(1);
  });

  it('a filter that handles the error marks the messages and moves on; one that rethrows retries', async () => {
    class OutOfStockError extends Error {}
    const handledTopic = uniqueName('handled');
    const rethrownTopic = uniqueName('rethrown');
    await createTopic(handledTopic, 1);
    await createTopic(rethrownTopic, 1);
    const batch = [{ value: '{"sku":"gone"}' }, { value: '{"sku":"ok"}' }];
    await produceRaw(handledTopic, batch);
    await produceRaw(rethrownTopic, batch);
    const caught: string[] = [];
    const calls: Record<string, string[]> = { handled: [], rethrown: [] };

    @Catch(OutOfStockError)
    class SkipOutOfStock implements ExceptionFilter {
      catch(error: OutOfStockError): void {
        caught.push(`skip:${error.message}`);
      }
    }
    @Catch()
    class RethrowAll implements ExceptionFilter {
      catch(error: Error): never {
        caught.push(`rethrow:${error.message}`);
        throw error;
      }
    }
    const consume = (name: string) => (messages: Messages<{ sku: string }>) => {
      const sku = messages.first!.payload.sku;
      calls[name]!.push(sku);
      if (sku === 'gone' && calls[name]!.length < 3) throw new OutOfStockError(sku);
    };

    @Consumer(handledTopic)
    @UseFilters(SkipOutOfStock)
    class HandledConsumer extends BaseConsumer<{ sku: string }> {
      consume(messages: Messages<{ sku: string }>): void {
        consume('handled')(messages);
      }
    }
    @Consumer(rethrownTopic)
    class RethrownConsumer extends BaseConsumer<{ sku: string }> {
      @UseFilters(RethrowAll)
      consume(messages: Messages<{ sku: string }>): void {
        consume('rethrown')(messages);
      }
    }

    const clientId = uniqueName('c');
    const app = await startKarafkaApp({
      clientId,
      providers: [HandledConsumer, RethrownConsumer],
      options: fast,
      record: ['error.occurred', 'consumer.consuming.pause'],
    });
    apps.push(app);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, handledTopic))[0] === '2',
      20_000,
      'the handled topic committed past the failed message',
    );
    await eventually(() => calls.rethrown!.length === 4, 20_000, 'retries of the rethrown one');
    expect(calls.handled).toEqual(['gone', 'ok']); // not retried
    expect(calls.rethrown).toEqual(['gone', 'gone', 'gone', 'ok']);
    expect(caught).toEqual(expect.arrayContaining(['skip:gone', 'rethrow:gone']));
    const errors = processingErrors(app);
    const handled = errors.filter((e) => e.payload.topic === handledTopic);
    expect(handled.map((e) => [e.payload.type, e.payload.handled])).toEqual([
      ['consumer.consume.error', true],
    ]);
    const pauses = app.events.filter(
      (e) => e.id === 'consumer.consuming.pause',
    ) as KarafkaEvent<'consumer.consuming.pause'>[];
    expect(pauses.map((e) => e.payload.topic)).toEqual([rethrownTopic, rethrownTopic]);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, rethrownTopic))[0] === '2',
      10_000,
      'the rethrown topic committed once it succeeded',
    );
  });

  it('filters are asked method first, then class, then global (APP_FILTER): the first that catches handles', async () => {
    class PaymentDeclined extends Error {}
    const topic = uniqueName('filtered');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: '1' }]);
    const asked: string[] = [];

    @Catch(TypeError)
    class MethodFilter implements ExceptionFilter {
      catch(): void {
        asked.push('method');
      }
    }
    @Catch(RangeError)
    class ClassFilter implements ExceptionFilter {
      catch(): void {
        asked.push('class');
      }
    }
    @Catch(PaymentDeclined)
    class GlobalFilter implements ExceptionFilter {
      catch(error: PaymentDeclined, host: ArgumentsHost): void {
        asked.push(`global:${error.message}:${host.getType()}`);
      }
    }
    @Consumer(topic)
    @UseFilters(ClassFilter)
    class PaymentsConsumer extends BaseConsumer {
      @UseFilters(MethodFilter)
      consume(): void {
        throw new PaymentDeclined('declined');
      }
    }
    const clientId = uniqueName('c');
    const app = await startKarafkaApp({
      clientId,
      providers: [PaymentsConsumer, { provide: APP_FILTER, useClass: GlobalFilter }],
      options: fast,
    });
    apps.push(app);
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, topic))[0] === '1',
      20_000,
      'handled by the global filter and committed',
    );
    expect(asked).toEqual(['global:declined:rpc']);
  });

  it('an interceptor that swallows the result still marks; one that throws fails the call', async () => {
    const swallowTopic = uniqueName('swallow');
    const throwTopic = uniqueName('throw');
    await createTopic(swallowTopic, 1);
    await createTopic(throwTopic, 1);
    await produceRaw(swallowTopic, [{ value: '1' }]);
    await produceRaw(throwTopic, [{ value: '1' }]);
    let thrown = 0;
    let throwCalls = 0;

    class Swallow implements NestInterceptor {
      intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
        next.handle().subscribe();
        return EMPTY;
      }
    }
    class ThrowOnce implements NestInterceptor {
      intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
        if (thrown++ === 0) throw new Error('interceptor refused');
        return next.handle();
      }
    }
    @Consumer(swallowTopic)
    @UseInterceptors(Swallow)
    class SwallowedConsumer extends BaseConsumer {
      consume(): void {}
    }
    @Consumer(throwTopic)
    @UseInterceptors(ThrowOnce)
    class ThrowingConsumer extends BaseConsumer {
      consume(): void {
        throwCalls += 1;
      }
    }
    const clientId = uniqueName('c');
    const app = await startKarafkaApp({
      clientId,
      providers: [SwallowedConsumer, ThrowingConsumer],
      options: fast,
      record: ['error.occurred'],
    });
    apps.push(app);
    for (const topic of [swallowTopic, throwTopic]) {
      await eventually(
        async () => (await committedOffsets(`${clientId}_app`, topic))[0] === '1',
        20_000,
        `${topic} committed`,
      );
    }
    expect(throwCalls).toBe(1); // consume ran on the retry only
    const errors = processingErrors(app);
    expect(errors.map((e) => [e.payload.topic, (e.payload.error as Error).message])).toEqual([
      [throwTopic, 'interceptor refused'],
    ]);
  });

  it("pipes see the Messages as a 'custom' argument, so an app's global ValidationPipe (for HTTP bodies) leaves it alone", async () => {
    const topic = uniqueName('validated');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: '{"n":7}' }]);
    const got: unknown[] = [];
    const pipeTypes: string[] = [];
    let given: unknown;
    class RecordType implements PipeTransform {
      transform(value: unknown, metadata: ArgumentMetadata): unknown {
        pipeTypes.push(metadata.type);
        return value;
      }
    }
    class Pass implements NestInterceptor {
      intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
        given = context.switchToRpc().getData();
        return next.handle();
      }
    }
    @Consumer(topic)
    class PlainDtoLessConsumer extends BaseConsumer<{ n: number }> {
      // Decorators make the compiler emit the parameter types (Messages) for the pipes; Nest
      // itself would call a @Payload() a 'body'.
      @UseInterceptors(Pass)
      consume(@Payload() messages: Messages<{ n: number }>): void {
        // The very object the framework made, not a copy the pipe transformed.
        got.push(messages === given ? messages.first!.payload : messages);
      }
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [
        PlainDtoLessConsumer,
        { provide: APP_PIPE, useValue: new RecordType() },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            whitelist: true,
            forbidNonWhitelisted: true,
            transform: true,
          }),
        },
      ],
      options: fast,
      record: ['error.occurred'],
    });
    apps.push(app);
    await eventually(() => got.length > 0, 20_000, 'the message');
    expect(got).toEqual([{ n: 7 }]);
    expect(pipeTypes).toEqual(['custom']);
    expect(processingErrors(app)).toEqual([]);
  });

  it('a route without enhancers keeps the direct call', async () => {
    const topic = uniqueName('plain');
    @Consumer(topic)
    class PlainConsumer extends BaseConsumer {
      consume(): void {}
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [PlainConsumer],
      listen: false,
    });
    apps.push(app);
    const [route] = app.app.get(RouteRegistry).table.routes;
    expect(app.app.get(ConsumerEnhancers).wrap(route!, directConsume)).toBe(directConsume);
  });

  it('refuses a request-scoped enhancer at startup, naming it', async () => {
    const topic = uniqueName('scoped');
    await createTopic(topic, 1);
    @Injectable({ scope: Scope.REQUEST })
    class PerRequestGuard implements CanActivate {
      canActivate(): boolean {
        return true;
      }
    }
    @Consumer(topic)
    @UseGuards(PerRequestGuard)
    class ScopedConsumer extends BaseConsumer {
      consume(): void {}
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [ScopedConsumer],
      listen: false,
    });
    apps.push(app);
    const start = app.server.start();
    await expect(start).rejects.toThrow(KarafkaEnhancerError);
    await expect(start).rejects.toThrow(/ScopedConsumer: .*guard PerRequestGuard/);
  });
});
