/*
 * Page render bench of the web UI (npm run bench:web): 50 topics x 12 partitions with data,
 * 10 processes reporting them, an hour of samples, a week of hourly totals, 200 errors and a
 * dead letter topic,
 * against a real broker; the standalone UI is asked for every page over HTTP, one request at a
 * time, and the p50/p95 per page are printed with the page size.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { performance } from 'node:perf_hooks';
import type {
  ErrorReport,
  ProcessHour,
  ProcessReport,
  ProcessSample,
} from '../../lib/web/index.js';
import { serveKarafkaWeb } from '../../lib/web/standalone.js';
import { startBroker } from './broker.js';

const TOPICS = 50;
const PARTITIONS = 12;
const PROCESSES = 10;
const MESSAGES_PER_PARTITION = 20;
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 40);

const log = (line: string) => console.log(`[bench:web] ${line}`);

async function main(): Promise<void> {
  const broker = await startBroker(log);
  const run = randomBytes(3).toString('hex');
  const topic = (i: number) => `webbench_${run}_t${String(i).padStart(2, '0')}`;
  const dlq = `webbench_${run}_dlq`;
  const webTopics = {
    reports: `webbench_${run}_reports`,
    samples: `webbench_${run}_samples`,
    history: `webbench_${run}_history`,
    errors: `webbench_${run}_errors`,
    commands: `webbench_${run}_commands`,
  };
  const kafka = new Kafka({
    clientId: 'bench-web',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  // Hundreds of fresh partitions: leaders settle over a few seconds on a loaded machine.
  const producer = kafka.producer({ retry: { retries: 20, maxRetryTime: 5_000 } });
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({
      topics: [
        ...Array.from({ length: TOPICS }, (_, i) => ({
          topic: topic(i),
          numPartitions: PARTITIONS,
        })),
        { topic: dlq, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    log(`created ${TOPICS} topics x ${PARTITIONS} partitions`);
    for (let i = 0; i < TOPICS; i++) {
      await producer.send({
        topic: topic(i),
        messages: Array.from({ length: PARTITIONS * MESSAGES_PER_PARTITION }, (_, n) => ({
          partition: n % PARTITIONS,
          key: `key-${n}`,
          value: JSON.stringify({ id: n, topic: i, items: ['a', 'b', 'c'], total: n * 3.5 }),
        })),
      });
    }
    await producer.send({
      topic: dlq,
      messages: Array.from({ length: 30 }, (_, n) => ({
        value: JSON.stringify({ id: n }),
        headers: {
          karafka_original_topic: topic(0),
          karafka_original_partition: '0',
          karafka_original_offset: String(n),
          karafka_original_consumer_group: 'bench_app',
          karafka_attempts: '4',
          karafka_error: 'Error: bench poison',
        },
      })),
    });
    const ui = await serveKarafkaWeb({
      brokers: broker.brokers,
      port: 0,
      commands: true,
      topics: webTopics,
    });
    try {
      await publishState(producer, webTopics, topic, dlq);
      log(
        `published ${PROCESSES} process reports, an hour of samples, a week of hours, 200 errors`,
      );
      const base = ui.url.replace(/\/$/, '');
      await waitFor(
        async () =>
          (await (await fetch(`${base}/processes`)).text()).split('class="process-row').length >
          PROCESSES,
      );
      const pages = [
        '/',
        '/?range=day',
        '/?range=week',
        '/processes',
        `/processes/${encodeURIComponent('bench-host-3:1003:abc3')}`,
        '/routing',
        '/health',
        '/health?page=6',
        '/errors',
        '/dead-letters',
        `/dead-letters/${dlq}`,
        '/explorer',
        `/explorer/${topic(7)}`,
        `/explorer/${topic(7)}/3`,
        `/explorer/${topic(7)}/3/5`,
      ];
      const rows: string[] = [];
      for (const page of pages) {
        const times: number[] = [];
        let size = 0;
        for (let i = 0; i < RUNS; i++) {
          const start = performance.now();
          const response = await fetch(`${base}${page}`);
          const body = await response.text();
          times.push(performance.now() - start);
          if (response.status !== 200)
            throw new Error(`${page}: ${response.status} ${body.slice(0, 300)}`);
          size = body.length;
        }
        times.sort((a, b) => a - b);
        const pct = (p: number) =>
          times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
        rows.push(
          `| ${page.replace(run, '<run>')} | ${pct(50).toFixed(1)} | ${pct(95).toFixed(1)} | ${(size / 1024).toFixed(0)} KB |`,
        );
      }
      const css = await (await fetch(`${base}/assets/app.css`)).text();
      console.log(
        `\n${TOPICS} topics x ${PARTITIONS} partitions, ${PROCESSES} processes, ${RUNS} requests per page (sequential, over HTTP)\n`,
      );
      console.log('| page | p50 ms | p95 ms | HTML |\n| --- | ---: | ---: | ---: |');
      console.log(rows.join('\n'));
      console.log(`\nassets: app.css ${(css.length / 1024).toFixed(1)} KB, no JavaScript`);
    } finally {
      await ui.close();
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await broker.stop();
  }
}

async function publishState(
  producer: ReturnType<Kafka['producer']>,
  topics: { reports: string; samples: string; history: string; errors: string },
  topic: (i: number) => string,
  dlq: string,
): Promise<void> {
  const now = Date.now();
  const routes = Array.from({ length: TOPICS }, (_, i) => ({
    group: 'bench_app',
    topic: topic(i),
    kafkaTopic: topic(i),
    consumer: `Topic${i}Consumer`,
    batch: true,
    deadLetterTopic: i === 0 ? dlq : undefined,
    responds: i % 5 === 0 ? [{ topic: topic(i + 1), required: true, multiple: false }] : [],
  }));
  const reports: ProcessReport[] = [];
  for (let p = 0; p < PROCESSES; p++) {
    const partitions = [];
    for (let i = 0; i < TOPICS; i++) {
      for (let part = 0; part < PARTITIONS; part++) {
        if ((i * PARTITIONS + part) % PROCESSES !== p) continue;
        partitions.push({
          topic: topic(i),
          partition: part,
          highWatermark: String(MESSAGES_PER_PARTITION),
          committedOffset: String(MESSAGES_PER_PARTITION - (part % 3)),
          markedOffset: String(MESSAGES_PER_PARTITION - 1 - (part % 3)),
          lag: part % 3,
          state: (part === 11 ? 'backing_off' : part === 10 ? 'paused' : 'running') as 'running',
          attempt: part === 11 ? 2 : 0,
          lastConsumeMs: 1.5,
        });
      }
    }
    reports.push({
      schema: 1,
      id: `bench-host-${p}:${1000 + p}:abc${p}`,
      host: `bench-host-${p}`,
      pid: 1000 + p,
      clientId: 'bench',
      version: '0.1.0',
      startedAt: now - 3_600_000,
      at: now,
      interval: 3_600_000, // not stale during the bench
      status: 'connected',
      memory: { rss: 120_000_000, heapUsed: 60_000_000 },
      consumed: 5_000,
      produced: 1_000,
      errors: 1,
      commands: true,
      groups: [
        {
          id: 'bench_app',
          name: 'app',
          state: 'joined',
          topics: routes.map((r) => r.topic),
          crashes: 0,
          partitions,
        },
      ],
      routes,
    });
  }
  await producer.send({
    topic: topics.reports,
    messages: reports.map((r) => ({ key: r.id, value: JSON.stringify(r) })),
  });
  const samples: ProcessSample[] = [];
  for (let t = now - 3_600_000; t <= now; t += 5_000) {
    for (const r of reports)
      samples.push({ id: r.id, at: t, consumed: 500, produced: 100, errors: 0, lag: 40 });
  }
  for (let i = 0; i < samples.length; i += 1000) {
    await producer.send({
      topic: topics.samples,
      messages: samples.slice(i, i + 1000).map((s) => ({ key: s.id, value: JSON.stringify(s) })),
    });
  }
  // A week of hourly totals per process (what compaction keeps of the history topic).
  const hours: ProcessHour[] = [];
  for (let h = 0; h < 7 * 24; h++) {
    const hour = Math.floor(now / 3_600_000) * 3_600_000 - h * 3_600_000;
    for (const r of reports) {
      hours.push({ id: r.id, hour, consumed: 360_000, produced: 72_000, errors: h % 5, lag: 40 });
    }
  }
  for (let i = 0; i < hours.length; i += 1000) {
    await producer.send({
      topic: topics.history,
      messages: hours
        .slice(i, i + 1000)
        .map((h) => ({ key: `${h.id}@${h.hour}`, value: JSON.stringify(h) })),
    });
  }
  const errors: ErrorReport[] = Array.from({ length: 200 }, (_, n) => ({
    process: reports[n % PROCESSES]!.id,
    at: now - n * 1000,
    type: 'consumer.consume.error',
    errorClass: 'Error',
    message: `bench failure ${n}`,
    stack: `Error: bench failure ${n}\n    at Topic0Consumer.consume (bench.ts:1:1)\n    at PartitionExecutor.run (partition-executor.ts:2:2)`,
    group: 'bench_app',
    topic: topic(n % TOPICS),
    partition: n % PARTITIONS,
    consumer: 'Topic0Consumer',
  }));
  await producer.send({
    topic: topics.errors,
    messages: errors.map((e) => ({ value: JSON.stringify(e) })),
  });
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the UI did not see the reports within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

await main();
