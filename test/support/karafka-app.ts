import {
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type Provider,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterEach } from 'vitest';
import type { KarafkaModuleOptions } from '../../lib/karafka-module-options.js';
import type { KarafkaEvent, KarafkaEventName } from '../../lib/instrumentation/karafka-events.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { kafkaBrokers, testKafka } from './kafka.js';

export interface TestApp {
  app: INestApplicationContext;
  server: KarafkaServer;
  monitor: Monitor;
  /** Every monitor event of the listed names, in order. */
  events: KarafkaEvent[];
  close(): Promise<void>;
}

/**
 * A standalone Nest application context with KarafkaModule and the given providers, its
 * KarafkaServer started against the test broker. Records the listed monitor events.
 */
export async function startKarafkaApp(opts: {
  clientId: string;
  providers: Provider[];
  /** Other modules the app imports (e.g. SchemaRegistryModule). */
  imports?: DynamicModule[];
  options?: Partial<KarafkaModuleOptions>;
  record?: KarafkaEventName[];
  listen?: boolean;
}): Promise<TestApp> {
  @Module({
    imports: [
      KarafkaModule.forRoot({
        clientId: opts.clientId,
        kafka: { brokers: kafkaBrokers() },
        logger: false,
        ...opts.options,
      }),
      ...(opts.imports ?? []),
    ],
    providers: opts.providers,
  })
  class TestAppModule {}

  const app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
  const monitor = app.get(Monitor);
  const events: KarafkaEvent[] = [];
  for (const name of opts.record ?? []) monitor.subscribe(name, (event) => void events.push(event));
  const server = app.get(KarafkaServer);
  if (opts.listen !== false) await server.start();
  let closed = false;
  return {
    app,
    server,
    monitor,
    events,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export interface TestMessage {
  key?: string;
  value: string | null;
  partition?: number;
  headers?: Record<string, string>;
}

/** Produces with a plain kafkajs producer (acks all), so tests do not depend on our Producer. */
export async function produceRaw(topic: string, messages: TestMessage[]): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

export async function committedOffsets(
  groupId: string,
  topic: string,
): Promise<Record<number, string>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(result!.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { Type };

/**
 * The recorded `error.occurred` events, without client restarts: on a fresh, busy broker the
 * first group join may crash once and be restarted (coordinator still loading), which is real
 * but beside the point of most tests.
 */
export function processingErrors(app: TestApp): KarafkaEvent<'error.occurred'>[] {
  return (
    app.events.filter((e) => e.id === 'error.occurred') as KarafkaEvent<'error.occurred'>[]
  ).filter((e) => e.payload.type !== 'connection.client.error');
}

/** The apps a test file starts: push them here and they are closed after each test. */
export function appsClosedAfterEach(): TestApp[] {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return apps;
}
