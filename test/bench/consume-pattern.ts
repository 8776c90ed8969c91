import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { KarafkaRoute } from '../../lib/patterns/karafka-route.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import type { BenchPayload } from './payload.js';
import {
  CONCURRENCY,
  KARAFKA_CONSUMER,
  type TaskInput,
  type ThroughputResult,
} from './settings.js';
import { startRssSampler, ThroughputMeter } from './stats.js';

/**
 * The Nest transport variant's controller, unchanged, on KarafkaServer: the same
 * @EventPattern(topic) handler reading the payload Nest's way (NestKafkaDeserializer), served
 * one message per call, or with `@KarafkaRoute({ batch: true })` once per fetched batch of a
 * partition (the array of payloads). Started as a Nest microservice whose strategy is the app's
 * KarafkaServer, with the fetch settings and concurrency of the other variants.
 */
export async function consumePattern(input: TaskInput, batch: boolean): Promise<ThroughputResult> {
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  let calls = 0;
  let checksum = 0;

  @Controller()
  class BenchController {
    @EventPattern<string>(input.topic)
    @KarafkaRoute({ batch })
    handle(@Payload() payload: BenchPayload | BenchPayload[]): void {
      calls += 1;
      if (Array.isArray(payload)) {
        for (const item of payload) checksum += item.id;
        meter.add(payload.length);
      } else {
        checksum += payload.id;
        meter.add(1);
      }
    }
  }

  @Module({
    imports: [
      KarafkaModule.forRoot({
        clientId: `bench-pattern-${batch ? 'batch' : 'single'}-${input.runId}`,
        kafka: { brokers: input.brokers },
        logger: false,
        concurrency: CONCURRENCY,
        initialOffset: 'earliest',
        patternGroupId: `bench-pattern-${input.runId}`,
        consumer: KARAFKA_CONSUMER,
      }),
    ],
    controllers: [BenchController],
  })
  class BenchModule {}

  const app = await NestFactory.createMicroservice(BenchModule, {
    logger: false,
    inject: [KarafkaServer],
    useFactory: (server: KarafkaServer) => ({ strategy: server }),
  });
  await app.listen(); // KarafkaServer.listen: resolves once the group's consumer joined and runs
  meter.ready();
  await meter.done;
  const peak = rss.stop();
  await app.close();
  return meter.result(peak, { consumeCalls: calls, checksum });
}
