import { Test, type TestingModule } from '@nestjs/testing';
import type { KafkaMessage } from 'kafkajs';
import type { KarafkaModuleOptions } from '../../lib/karafka-module-options.js';
import type { KarafkaEvent, KarafkaEventName } from '../../lib/instrumentation/karafka-events.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { Producer } from '../../lib/producer/producer.js';
import { eventually, kafkaBrokers, testKafka, uniqueName, withAdmin } from '../support/kafka.js';

export interface ProducerHarness {
  producer: Producer;
  monitor: Monitor;
  module: TestingModule;
  /** Events of the given names, in order. */
  events: KarafkaEvent[];
  /** Closes the Nest module: the producer's onApplicationShutdown runs. */
  close(): Promise<void>;
}

/** A Producer from a real KarafkaModule (Nest testing module) on the test broker. */
export async function producerHarness(
  options: Partial<KarafkaModuleOptions> = {},
  record: KarafkaEventName[] = [],
): Promise<ProducerHarness> {
  const module = await Test.createTestingModule({
    imports: [
      KarafkaModule.forRoot({
        clientId: uniqueName('producer-test'),
        kafka: { brokers: kafkaBrokers() },
        logger: false,
        ...options,
      }),
    ],
  }).compile();
  const monitor = module.get(Monitor);
  const events: KarafkaEvent[] = [];
  for (const name of record) monitor.subscribe(name, (event) => void events.push(event));
  let closed = false;
  return {
    producer: module.get(Producer),
    monitor,
    module,
    events,
    close: async () => {
      if (closed) return;
      closed = true;
      await module.close();
    },
  };
}

/** Messages in a topic: the sum over partitions of (high watermark - low). */
export async function messageCount(topic: string): Promise<number> {
  const offsets = await endOffsets(topic);
  return offsets.reduce((sum, count) => sum + count, 0);
}

/** Per partition (index = partition), how many messages it holds. */
export async function endOffsets(topic: string): Promise<number[]> {
  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const counts: number[] = [];
  for (const { partition, high, low } of offsets) counts[partition] = Number(high) - Number(low);
  return counts;
}

export interface ReadMessage {
  partition: number;
  message: KafkaMessage;
}

/** Reads `count` messages of a topic from the beginning with a plain kafkajs consumer. */
export async function readMessages(topic: string, count: number): Promise<ReadMessage[]> {
  // A short fetch wait: disconnect waits for the fetch in flight.
  const consumer = testKafka().consumer({
    groupId: uniqueName('producer-read'),
    maxWaitTimeInMs: 100,
  });
  const received: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => void received.push({ partition, message }),
    });
    await eventually(() => received.length >= count, 30_000, `${count} messages in ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return received.sort(
    (a, b) => a.partition - b.partition || Number(a.message.offset) - Number(b.message.offset),
  );
}
