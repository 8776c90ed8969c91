import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Responds } from '../../lib/responders/responds.decorator.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
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
 * Consume-transform-produce: a batch consumer responds once per input message (a small
 * transformed payload) to an output topic. At-least-once: the responses are acknowledged,
 * then the offsets marked. `exactlyOnce`: each call, its responses and its offsets commit in one
 * transaction. Counted when a call finished (`consumer.consumed`: after delivery / commit).
 */
export async function consumeTransform(
  input: TaskInput,
  exactlyOnce: boolean,
): Promise<ThroughputResult> {
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  const output = `${input.topic}-out-${exactlyOnce ? 'eo' : 'alo'}-${input.runId}`;
  let calls = 0;

  @Consumer(input.topic, { batch: true, exactlyOnce })
  @Responds(output, { multiple: true })
  class TransformConsumer extends BaseConsumer<BenchPayload> {
    consume(messages: Messages<BenchPayload>): void {
      calls += 1;
      for (const message of messages) {
        this.respondTo(output, { id: message.payload.id, seen: true }, { key: message.rawKey });
      }
    }
  }

  @Module({
    imports: [
      KarafkaModule.forRoot({
        clientId: `bench-transform-${exactlyOnce ? 'eo' : 'alo'}-${input.runId}`,
        kafka: { brokers: input.brokers },
        logger: false,
        concurrency: CONCURRENCY,
        initialOffset: 'earliest',
        consumer: KARAFKA_CONSUMER,
      }),
    ],
    providers: [TransformConsumer],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  app.get(Monitor).subscribe('consumer.consumed', (event) => meter.add(event.payload.count));
  const server = app.get(KarafkaServer);
  await server.start();
  meter.ready();
  await meter.done;
  const peak = rss.stop();
  await app.close();
  return meter.result(peak, {
    consumeCalls: calls,
    messagesPerCall: Math.round(input.messages / calls),
  });
}
