import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import type { BenchPayload } from './payload.js';
import { CONCURRENCY, FETCH, type TaskInput, type ThroughputResult } from './settings.js';
import { startRssSampler, ThroughputMeter } from './stats.js';

/**
 * @nestjs/microservices' Kafka transport as a Nest user writes it: an @EventPattern(topic)
 * handler, a unique groupId, subscribe fromBeginning. Same fetch settings and concurrency
 * (`run.partitionsConsumedConcurrently`); the transport uses eachMessage and kafkajs'
 * default autoCommit (a commit after every batch), which a Nest user does not change.
 */
export async function consumeNest(input: TaskInput): Promise<ThroughputResult> {
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  let checksum = 0;

  @Controller()
  class BenchController {
    @EventPattern(input.topic)
    handle(@Payload() payload: unknown): void {
      checksum += (payload as BenchPayload).id;
      meter.add(1);
    }
  }

  @Module({ controllers: [BenchController] })
  class BenchModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    logger: false,
    transport: Transport.KAFKA,
    options: {
      client: {
        clientId: `bench-nest-${input.runId}`,
        brokers: input.brokers,
        logLevel: logLevel.ERROR,
      },
      consumer: { groupId: `bench-nest-${input.runId}`, ...FETCH },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: CONCURRENCY },
    },
  });
  await app.listen(); // the transport's consumer.run() (group joined) is its last step
  meter.ready();
  await meter.done;
  const peak = rss.stop();
  await app.close();
  return meter.result(peak, { checksum });
}
