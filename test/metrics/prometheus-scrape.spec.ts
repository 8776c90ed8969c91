import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { KarafkaMetrics, KarafkaMetricsModule } from '../../lib/metrics/index.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { createTopic, eventually, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';

let prometheus: PrometheusServer | undefined;
let app: INestApplication | undefined;
afterEach(async () => {
  await prometheus?.stop();
  await app?.close();
  prometheus = app = undefined;
});

describe('Prometheus metrics, scraped by a real Prometheus server', () => {
  it('counts consumed messages, shows lag while a consumer is paused and zero once it drained', async () => {
    const topic = uniqueName('metered');
    await createTopic(topic, 1);
    let resume: (() => void) | undefined;

    @Consumer(topic)
    class PausingConsumer extends BaseConsumer<string> {
      consume(messages: Messages<string>): void {
        if (messages.first!.payload === 'pause') {
          resume = () => this.resume();
          this.pause(); // until the test resumes it
        }
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
          initialOffset: 'earliest',
        }),
        KarafkaMetricsModule.forRoot({ lagInterval: 500 }),
      ],
      providers: [PausingConsumer],
    })
    class MeteredModule {}

    app = await NestFactory.create(MeteredModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    await app.get(KarafkaServer).start();
    const { port } = app.getHttpServer().address() as AddressInfo;
    prometheus = await startPrometheus([`127.0.0.1:${port}`]);
    const consumed = `sum(karafka_messages_consumed_total{topic="${topic}"})`;
    const lag = `sum(karafka_consumer_lag{topic="${topic}"})`;
    const paused = `sum(karafka_partitions_paused{topic="${topic}"})`;
    const value = (q: string) => prometheus!.query(q);

    await produceRaw(
      topic,
      ['"a"', '"b"', '"c"', '"pause"'].map((value) => ({ value })),
    );
    await eventually(
      async () => (await value(consumed)) === 4,
      30_000,
      'consumed = 4 in Prometheus',
    );
    expect(await value(paused)).toBe(1);

    // Ten more while paused: not fetched, so the lag comes from the admin API's high watermark.
    await produceRaw(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: String(i) })),
    );
    await eventually(async () => (await value(lag)) === 10, 30_000, 'lag = 10 in Prometheus');
    expect(await value(consumed)).toBe(4);

    resume!();
    await eventually(async () => (await value(consumed)) === 14, 30_000, 'consumed = 14');
    await eventually(async () => (await value(lag)) === 0, 30_000, 'lag = 0 after draining');
    expect(await value(paused)).toBe(0);
    // Duration histogram per route, errors none.
    expect(await value(`sum(karafka_consume_duration_seconds_count{topic="${topic}"})`)).toBe(14);
  });

  it('serves the text format on a port of its own, with produced, ack latency and error metrics', async () => {
    const topic = uniqueName('own-port');
    await createTopic(topic, 2);
    let failed = false;

    @Consumer(topic)
    class FailingOnceConsumer extends BaseConsumer<string> {
      consume(): void {
        if (!failed) {
          failed = true;
          throw new Error('once');
        }
      }
    }

    @Module({
      imports: [
        KarafkaModule.forRoot({
          clientId: uniqueName('c'),
          kafka: { brokers: kafkaBrokers() },
          logger: false,
          initialOffset: 'earliest',
          pause: { timeout: 100 },
        }),
        KarafkaMetricsModule.forRoot({ port: 0, path: 'prom', lagInterval: 200 }),
      ],
      providers: [FailingOnceConsumer],
    })
    class PortModule {}

    const context = await NestFactory.createApplicationContext(PortModule, { logger: false });
    app = context as INestApplication;
    await context.init();
    await context.get(KarafkaServer).start();
    await context.get(Producer).produceSync({ topic, payload: 'x', partition: 0 });
    const port = context.get(KarafkaMetrics).port!;
    const scrape = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/prom`);
      expect(response.headers.get('content-type')).toContain('text/plain');
      return response.text();
    };
    await eventually(
      async () => (await scrape()).includes(`karafka_messages_consumed_total{group=`),
      30_000,
      'a consumed message',
    );
    const text = await scrape();
    expect(text).toContain(`karafka_messages_produced_total{topic="${topic}"} 1`);
    expect(text).toContain('karafka_producer_ack_duration_seconds_count 1');
    expect(text).toContain('karafka_errors_total{type="consumer.consume.error"} 1');
    expect(text).toMatch(/karafka_rebalances_total\{group="[^"]+",change="assigned"\} 1/);
    expect(text).toContain('karafka_producer_buffered_messages{kind="async"} 0');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
    // Partition 1 never got a message nor a commit: its lag (0) comes from the admin API alone.
    await eventually(
      async () => /karafka_consumer_lag\{[^}]*partition="1"\} 0/.test(await scrape()),
      10_000,
      'the idle partition lag',
    );
  });
});
