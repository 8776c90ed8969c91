import type { Type } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { Batch, KafkaMessage } from 'kafkajs';
import { resolveConfig } from '../../lib/config/karafka-config.js';
import type { PauseOptions } from '../../lib/config/karafka-options.js';
import { OffsetCommitter } from '../../lib/connection/offset-committer.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { IdentityTopicMapper } from '../../lib/mapping/topic-mapper.js';
import type { Messages } from '../../lib/messages/messages.js';
import type { BaseConsumer } from '../../lib/processing/base-consumer.js';
import type { BatchControls, PartitionHost } from '../../lib/processing/partition-host.js';
import type { ProducerMessage } from '../../lib/producer/producer-message.js';
import type { Producer } from '../../lib/producer/producer.js';
import type { Route } from '../../lib/routing/route.js';
import { JsonDeserializer } from '../../lib/serialization/json.js';

/**
 * Fakes of the narrow interfaces around a partition (PartitionHost, BatchControls) for unit
 * tests of the executor, coordinator and strategies: they record what the partition asked
 * Kafka to do. The Monitor and OffsetCommitter are the real ones (pure logic, no client).
 */
export class FakeHost implements PartitionHost {
  readonly config;
  readonly monitor = new Monitor();
  readonly committer: OffsetCommitter;
  readonly calls: string[] = [];
  readonly produced: ProducerMessage[] = [];
  /** Set to make the dead letter dispatch fail. */
  produceError?: Error;
  readonly events: { name: string; payload: Record<string, unknown> }[] = [];
  readonly producer: Producer;

  /** What the group has committed per partition (the exactly-once strategy reads it). */
  readonly committed = new Map<number, string>();

  committedOffset(_kafkaTopic: string, partition: number): Promise<string | undefined> {
    return Promise.resolve(this.committed.get(partition));
  }

  constructor(pause: PauseOptions = {}) {
    this.config = resolveConfig({
      clientId: 'shop',
      kafka: { brokers: ['127.0.0.1:9092'] },
      pause,
      // No background commits in unit tests: what is marked is what these tests look at.
      commit: { interval: 0, threshold: 0 },
    });
    this.committer = new OffsetCommitter(
      'shop_app',
      () => undefined,
      this.config.commit,
      this.monitor,
      new IdentityTopicMapper(),
    );
    this.producer = {
      produceSync: async (message: ProducerMessage) => {
        if (this.produceError) throw this.produceError;
        this.produced.push(message);
        return { topic: message.topic, partition: 0, offset: '0' };
      },
      produceManySync: async (messages: ProducerMessage[]) => {
        if (this.produceError) throw this.produceError;
        this.produced.push(...messages);
        return messages.map((m) => ({ topic: m.topic, partition: 0, offset: '0' }));
      },
    } as unknown as Producer;
    for (const name of [
      'error.occurred',
      'consumer.consuming.pause',
      'consumer.consuming.retry',
      'dead_letter_queue.dispatched',
    ] as const) {
      this.monitor.subscribe(name, (event) =>
        this.events.push({ name, payload: event.payload as unknown as Record<string, unknown> }),
      );
    }
  }

  pausePartition(topic: string, partition: number): void {
    this.calls.push(`pause ${topic}/${partition}`);
  }
  resumePartition(topic: string, partition: number): void {
    this.calls.push(`resume ${topic}/${partition}`);
  }
  seek(topic: string, partition: number, offset: string): void {
    this.calls.push(`seek ${topic}/${partition} ${offset}`);
  }

  lastMarked(topic = 'orders', partition = 0): string | undefined {
    return this.committer.lastMarked(topic, partition)?.toString();
  }

  eventsNamed(name: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload);
  }
}

export class FakeControls implements BatchControls {
  readonly resolved: string[] = [];
  running = true;
  resolveOffset(offset: string): void {
    this.resolved.push(offset);
  }
  async heartbeat(): Promise<void> {}
  isRunning(): boolean {
    return this.running;
  }
  isStale(): boolean {
    return false;
  }
}

/** A route for `consumerClass`, with the options under test; instances made with `new`. */
export function fakeRoute(
  consumerClass: Type<BaseConsumer>,
  options: Partial<
    Pick<
      Route,
      | 'batch'
      | 'persistent'
      | 'manualOffsets'
      | 'exactlyOnce'
      | 'deadLetter'
      | 'virtualPartitions'
      | 'responders'
    >
  > = {},
): Route {
  return {
    topic: 'orders',
    kafkaTopic: 'orders',
    group: 'app',
    groupId: 'shop_app',
    consumerClass,
    batch: options.batch ?? true,
    persistent: options.persistent ?? true,
    initialOffset: 'earliest',
    manualOffsets: options.manualOffsets ?? false,
    exactlyOnce: options.exactlyOnce ?? false,
    isolationLevel: 'read_committed',
    deserializer: new JsonDeserializer(),
    deadLetter: options.deadLetter,
    virtualPartitions: options.virtualPartitions,
    responders: options.responders ?? [],
    moduleRef: { create: async (cls: Type<BaseConsumer>) => new cls() } as unknown as ModuleRef,
  };
}

/**
 * A fetched batch of JSON payloads `{ n }` at consecutive offsets from `first`; `key(n)` gives
 * each message a key (none by default).
 */
export function fakeBatch(first: number, count: number, key?: (n: number) => string): Batch {
  const messages: KafkaMessage[] = Array.from({ length: count }, (_, i) => ({
    key: key ? Buffer.from(key(first + i)) : null,
    value: Buffer.from(JSON.stringify({ n: first + i })),
    timestamp: '1714564800000',
    attributes: 0,
    offset: String(first + i),
    headers: {},
  }));
  return {
    topic: 'orders',
    partition: 0,
    highWatermark: String(first + count),
    messages,
  } as unknown as Batch;
}

/** Offsets of each `consume` call, e.g. ['0-2', '3']. */
export function describeCall(messages: Messages): string {
  return messages.size === 1
    ? messages.first!.offset
    : `${messages.first!.offset}-${messages.last!.offset}`;
}

export const parseJson = (message: { raw: Buffer | null }): unknown =>
  JSON.parse(message.raw!.toString());
