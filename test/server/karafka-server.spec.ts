import {
  Controller,
  Get,
  Injectable,
  Module,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer, type OnShutdown } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { createTopic, eventually, kafkaBrokers, uniqueName } from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  produceRaw,
  sleep,
  startKarafkaApp,
} from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

describe('KarafkaServer', () => {
  it('applies the prefix topic mapper to subscribe, message.topic and commits', async () => {
    const route = uniqueName('orders');
    const prefix = 'acme.';
    const clientId = uniqueName('c');
    await createTopic(`${prefix}${route}`, 1);
    await produceRaw(`${prefix}${route}`, [{ value: '{"id":1}' }, { value: '{"id":2}' }]);
    const topics: string[] = [];

    @Consumer(route, { batch: true })
    class MappedConsumer extends BaseConsumer {
      consume(messages: Messages): void {
        for (const message of messages) topics.push(`${message.topic}|${this.topic}`);
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [MappedConsumer],
      options: {
        topicMapper: new PrefixTopicMapper(prefix),
        commit: { interval: 100, threshold: 0 },
      },
      record: ['rebalance.partitions_assigned'],
    });
    apps.push(app);
    await eventually(() => topics.length >= 2, 20_000, 'two messages');
    expect(topics).toEqual([`${route}|${route}`, `${route}|${route}`]);
    const assigned = app.events[0] as KarafkaEvent<'rebalance.partitions_assigned'>;
    expect(assigned.payload.partitions).toEqual({ [route]: [0] });
    await eventually(
      async () => (await committedOffsets(`${clientId}_app`, `${prefix}${route}`))[0] === '2',
      10_000,
      'commit on the prefixed topic',
    );
  });

  it('waits for an in-flight batch on shutdown, commits it, and calls onShutdown', async () => {
    const topic = uniqueName('graceful');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    const log: string[] = [];

    @Consumer(topic, { batch: true })
    class SlowConsumer extends BaseConsumer implements OnShutdown {
      async consume(messages: Messages): Promise<void> {
        log.push(`start ${messages.size}`);
        await sleep(1_500);
        log.push('end');
      }
      onShutdown(): void {
        log.push('shutdown');
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [SlowConsumer],
      record: ['app.stopped'],
    });
    await produceRaw(topic, [{ value: '1' }, { value: '2' }]);
    await eventually(() => log.length >= 1, 20_000, 'the batch to start');
    const result = await app.server.close();
    expect(result).toEqual({ forced: false });
    expect(log).toEqual(['start 2', 'end', 'shutdown']);
    expect(await committedOffsets(`${clientId}_app`, topic)).toEqual({ 0: '2' });
    expect((app.events[0] as KarafkaEvent<'app.stopped'>).payload.forced).toBe(false);
    await app.close();
  });

  it('forces the stop after shutdownTimeout and reports it, without committing the unfinished batch', async () => {
    const topic = uniqueName('forced');
    const clientId = uniqueName('c');
    await createTopic(topic, 1);
    let started = false;

    @Consumer(topic, { batch: true })
    class StuckConsumer extends BaseConsumer {
      async consume(): Promise<void> {
        started = true;
        await sleep(5_000);
      }
    }

    const app = await startKarafkaApp({
      clientId,
      providers: [StuckConsumer],
      options: { shutdownTimeout: 500 },
    });
    await produceRaw(topic, [{ value: '1' }]);
    await eventually(() => started, 20_000, 'the batch to start');
    const before = Date.now();
    expect(await app.server.close()).toEqual({ forced: true });
    expect(Date.now() - before).toBeLessThan(3_000);
    expect(await committedOffsets(`${clientId}_app`, topic)).toEqual({ 0: '-1' });
    await app.close();
  });

  it("stops consuming before the consumer's own module dependencies are destroyed", async () => {
    const topic = uniqueName('teardown');
    await createTopic(topic, 1);
    const log: string[] = [];

    @Injectable()
    class Database implements OnModuleDestroy {
      open = true;
      onModuleDestroy(): void {
        this.open = false;
        log.push('database closed');
      }
    }
    @Module({ providers: [Database], exports: [Database] })
    class DatabaseModule {}

    @Consumer(topic, { batch: true })
    class WritingConsumer extends BaseConsumer {
      constructor(private readonly db: Database) {
        super();
      }
      async consume(): Promise<void> {
        log.push('batch started');
        await sleep(1_000);
        log.push(`batch wrote with database ${this.db.open ? 'open' : 'CLOSED'}`);
      }
    }
    @Module({ imports: [DatabaseModule], providers: [WritingConsumer] })
    class ConsumersModule {}
    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
        }),
        ConsumersModule,
      ],
    })
    class TeardownAppModule {}

    const app = await NestFactory.createApplicationContext(TeardownAppModule, { logger: false });
    await app.get(KarafkaServer).start();
    await produceRaw(topic, [{ value: '1' }]);
    await eventually(() => log.length >= 1, 20_000, 'the batch to start');
    await app.close();
    // KarafkaModule is global and destroyed last; the consumer's provider stopped consuming first.
    expect(log).toEqual(['batch started', 'batch wrote with database open', 'database closed']);
  });

  it('keeps the group membership while a batch runs longer than sessionTimeout (heartbeats)', async () => {
    const topic = uniqueName('longbatch');
    await createTopic(topic, 1);
    const calls: string[] = [];

    @Consumer(topic, { batch: true })
    class LongConsumer extends BaseConsumer {
      async consume(messages: Messages): Promise<void> {
        calls.push(messages.first!.offset);
        if (messages.first!.offset === '0') await sleep(9_000);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [LongConsumer],
      options: { consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 } },
      record: ['rebalance.partitions_revoked', 'rebalance.partitions_assigned'],
    });
    apps.push(app);
    await produceRaw(topic, [{ value: '1' }]);
    await eventually(() => calls.length >= 1, 20_000, 'the long batch');
    await sleep(9_500);
    await produceRaw(topic, [{ value: '2' }]);
    await eventually(() => calls.length >= 2, 20_000, 'the next batch');
    await sleep(500);
    expect(calls).toEqual(['0', '1']); // offset 0 was not redelivered by a rebalance
    expect(app.events.filter((e) => e.id === 'rebalance.partitions_revoked')).toHaveLength(0);
    expect(app.events.filter((e) => e.id === 'rebalance.partitions_assigned')).toHaveLength(1);
  }, 60_000);

  it('runs as a Nest microservice strategy beside HTTP, consumes only after init hooks, stops with app.close()', async () => {
    const topic = uniqueName('hybrid');
    await createTopic(topic, 1);
    await produceRaw(topic, [{ value: '{"hello":"world"}' }]);
    const got: unknown[] = [];

    @Injectable()
    class Database implements OnModuleInit {
      connected = false;
      async onModuleInit(): Promise<void> {
        await sleep(500);
        this.connected = true;
      }
    }
    @Consumer(topic)
    class HybridConsumer extends BaseConsumer {
      constructor(private readonly db: Database) {
        super();
      }
      consume(messages: Messages): void {
        got.push({ payload: messages.first!.payload, dbReady: this.db.connected });
      }
    }
    @Controller()
    class PingController {
      @Get('ping') ping(): string {
        return 'pong';
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
      providers: [Database, HybridConsumer],
      controllers: [PingController],
    })
    class HybridModule {}

    const app = await NestFactory.create(HybridModule, { logger: false });
    const stopped: boolean[] = [];
    app.get(Monitor).subscribe('app.stopped', (e) => void stopped.push(e.payload.forced));
    app.connectMicroservice({ strategy: app.get(KarafkaServer) });
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    await eventually(() => got.length >= 1, 20_000, 'the message');
    // Consuming starts only after the app's init hooks ran, although the transport was started first.
    expect(got).toEqual([{ payload: { hello: 'world' }, dbReady: true }]);
    await app.close();
    expect(stopped).toEqual([false]);
  });
});
