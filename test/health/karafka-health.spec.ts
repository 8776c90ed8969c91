import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { DevBroker } from '../../lib/dev-broker/dev-broker.js';
import { KarafkaHealthIndicator, KarafkaHealthModule } from '../../lib/health/index.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { eventually, produceTo, uniqueName } from '../support/kafka.js';

interface HealthBody {
  status: string;
  error?: {
    karafka?: {
      problems?: Array<{ group: string; topic?: string; partition?: number; reason: string }>;
    };
  };
}

describe('health for @nestjs/terminus (dedicated broker)', () => {
  let port: number | undefined;
  let app: INestApplication | undefined;
  afterAll(async () => {
    await app?.close();
    if (port) await DevBroker.stop({ port });
  });

  it('ready after start, not alive while a consume hangs, not ready (group named) while the broker is down, ready again after', async () => {
    const broker = await DevBroker.start({ port: 0 });
    port = broker.state!.port;
    const topic = uniqueName('health');
    const clientId = uniqueName('c');
    await produceTo(broker.brokers, topic, '"warm-up"');
    let release: (() => void) | undefined;

    @Consumer(topic)
    class HangingConsumer extends BaseConsumer<string> {
      async consume(messages: Messages<string>): Promise<void> {
        if (messages.first!.payload === 'hang')
          await new Promise<void>((resolve) => (release = resolve));
      }
    }

    @Controller('health')
    class HealthController {
      constructor(
        private readonly health: HealthCheckService,
        private readonly karafka: KarafkaHealthIndicator,
      ) {}
      @Get('ready')
      @HealthCheck()
      ready() {
        return this.health.check([() => this.karafka.isReady()]);
      }
      @Get('live')
      @HealthCheck()
      live() {
        return this.health.check([() => this.karafka.isAlive()]);
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId,
          logger: false,
          initialOffset: 'earliest',
          kafka: {
            brokers: [broker.brokers],
            connectionTimeout: 500,
            requestTimeout: 2_000,
            retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
          },
          consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
        }),
        TerminusModule,
        KarafkaHealthModule.forRoot({ maxConsumeTime: 1_000 }),
      ],
      controllers: [HealthController],
      providers: [HangingConsumer],
    })
    class HealthAppModule {}

    app = await NestFactory.create(HealthAppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    const server = app.get(KarafkaServer);
    await server.start();
    const http = app.getHttpServer();
    const probe = async (path: string) => {
      const response = await request(http).get(path);
      return { code: response.status, body: response.body as HealthBody };
    };

    await eventually(async () => (await probe('/health/ready')).code === 200, 30_000, 'ready');
    expect((await probe('/health/live')).code).toBe(200);

    // A consume that hangs past maxConsumeTime: not alive, with the partition named.
    await produceTo(broker.brokers, topic, '"hang"');
    await eventually(() => release !== undefined, 30_000, 'the hanging consume');
    await eventually(async () => (await probe('/health/live')).code === 503, 10_000, 'not alive');
    const stuck = (await probe('/health/live')).body.error!.karafka!.problems!;
    expect(stuck).toEqual([
      expect.objectContaining({
        topic,
        partition: 0,
        reason: expect.stringMatching(/^consume has been running for \d+ ms \(limit 1000\)$/),
      }),
    ]);
    expect(server.health({ maxConsumeTime: 60_000 }).alive.healthy).toBe(true);
    release!();
    await eventually(async () => (await probe('/health/live')).code === 200, 10_000, 'alive again');

    // The broker goes away: the group crashes and is not ready; the problem names it.
    const groupId = server.snapshot().groups[0]!.id;
    await DevBroker.stop({ port });
    await eventually(async () => (await probe('/health/ready')).code === 503, 60_000, 'not ready');
    const down = (await probe('/health/ready')).body.error!.karafka!.problems!;
    expect(down[0]).toMatchObject({
      group: groupId,
      reason: expect.stringContaining('consumer group is crashed'),
    });
    expect(server.health().ready.healthy).toBe(false);

    await DevBroker.start({ port });
    await eventually(
      async () => (await probe('/health/ready')).code === 200,
      90_000,
      'ready again',
    );
    expect(server.snapshot().groups[0]!.state).toBe('joined');
  }, 240_000);
});
