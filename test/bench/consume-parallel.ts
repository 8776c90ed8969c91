import cluster from 'node:cluster';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message as KafkaMessage } from 'kafkajs';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import type { VirtualPartitionsOptions } from '../../lib/routing/consumer-options.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import { runSwarm } from '../../lib/swarm/run-swarm.js';
import { benchKafka, createTopic } from './kafka.js';
import { karafkaApp } from './karafka-app.js';
import { benchKey, benchPayload, type BenchPayload } from './payload.js';
import {
  CONCURRENCY,
  KARAFKA_CONSUMER,
  type TaskInput,
  type ThroughputResult,
} from './settings.js';
import { startRssSampler, ThroughputMeter } from './stats.js';

/**
 * The parallelism variants (issue 16). I/O-bound: one partition, each message awaits a 5 ms
 * timer (a stand-in for a network call), with and without virtual partitions. CPU-bound: every
 * payload hashed 10 times with sha256 on the shared consume topic, with and without
 * virtual partitions (`max: 4`), and in a swarm of 1 or 2 worker processes.
 */

const IO_MESSAGES = 5_000;
const IO_DELAY_MS = 5;

function cpuWork(payload: BenchPayload): number {
  let digest = JSON.stringify(payload);
  for (let i = 0; i < 10; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest.charCodeAt(0);
}

function virtualPartitions(input: TaskInput): VirtualPartitionsOptions | undefined {
  const max = Number(input.options?.virtualPartitions ?? 0);
  const distribution = input.options?.distribution === 'balanced' ? 'balanced' : 'consistent';
  return max ? { max, distribution } : undefined;
}

/** Fills a one-partition topic of its own with the I/O variant's messages. */
async function prepareIoTopic(input: TaskInput): Promise<string> {
  const topic = `${input.runId}-io`;
  await createTopic(input.brokers, topic, 1);
  const producer = benchKafka(input.brokers, `${input.runId}-io-data`).producer();
  await producer.connect();
  try {
    for (let from = 0; from < IO_MESSAGES; from += 1_000) {
      const messages: KafkaMessage[] = [];
      for (let i = from; i < Math.min(IO_MESSAGES, from + 1_000); i++) {
        messages.push({ key: benchKey(i), value: JSON.stringify(benchPayload(i)) });
      }
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  return topic;
}

/** One partition, 5,000 messages, each awaiting a 5 ms timer; batch mode. */
export async function consumeIoBound(input: TaskInput): Promise<ThroughputResult> {
  const topic = await prepareIoTopic(input);
  const rss = startRssSampler();
  const meter = new ThroughputMeter(IO_MESSAGES);
  let calls = 0;

  @Consumer(topic, { batch: true, virtualPartitions: virtualPartitions(input) })
  class IoConsumer extends BaseConsumer<BenchPayload> {
    async consume(messages: Messages<BenchPayload>): Promise<void> {
      calls += 1;
      for (const message of messages) {
        void message.payload.id;
        await sleep(IO_DELAY_MS);
        meter.add(1);
      }
    }
  }

  const app = await karafkaApp(
    {
      clientId: `bench-io-${input.runId}`,
      kafka: { brokers: input.brokers },
      initialOffset: 'earliest',
      consumer: KARAFKA_CONSUMER,
    },
    [IoConsumer],
  );
  await app.get(KarafkaServer).start();
  meter.ready();
  await meter.done;
  const peak = rss.stop();
  await app.close();
  return meter.result(peak, { consumeCalls: calls });
}

/** The shared consume topic, every payload hashed (CPU-bound); batch mode. */
export async function consumeCpuBound(input: TaskInput): Promise<ThroughputResult> {
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  let checksum = 0;

  @Consumer(input.topic, { batch: true, virtualPartitions: virtualPartitions(input) })
  class CpuConsumer extends BaseConsumer<BenchPayload> {
    consume(messages: Messages<BenchPayload>): void {
      for (const message of messages) checksum += cpuWork(message.payload);
      meter.add(messages.size);
    }
  }

  const app = await karafkaApp(
    {
      clientId: `bench-cpu-${input.runId}`,
      kafka: { brokers: input.brokers },
      concurrency: CONCURRENCY,
      initialOffset: 'earliest',
      consumer: KARAFKA_CONSUMER,
    },
    [CpuConsumer],
  );
  await app.get(KarafkaServer).start();
  meter.ready();
  await meter.done;
  const peak = rss.stop();
  await app.close();
  return meter.result(peak, { checksum });
}

interface SwarmBenchMessage {
  readonly benchConsumed: number;
}

/**
 * The CPU-bound consumer in a swarm of `options.workers` processes (runSwarm; this task's
 * process is the supervisor, the workers re-run the bench worker script). Throughput from all
 * workers ready to the last message; then worker 1 is killed (-9) and the time until its
 * replacement consumes again is the restart time (its backoff, boot and group join).
 */
export async function consumeSwarm(input: TaskInput): Promise<ThroughputResult> {
  const workers = Number(input.options?.workers ?? 1);
  if (cluster.isWorker) {
    await runSwarm(() => swarmWorkerApp(input), { workers });
    return new Promise<never>(() => undefined); // the worker runs until the supervisor stops it
  }
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  const swarm = (await runSwarm(() => swarmWorkerApp(input), { workers, log: () => undefined }))!;
  cluster.on('message', (_worker, message: SwarmBenchMessage) => {
    if (typeof message?.benchConsumed === 'number') meter.add(message.benchConsumed);
  });
  await waitFor(() => swarm.status().every((w) => w.state === 'running'), 120_000);
  meter.ready();
  await meter.done;

  const victim = swarm.status()[0]!;
  const killedAt = performance.now();
  process.kill(victim.pid!, 'SIGKILL');
  await waitFor(() => {
    const now = swarm.status()[0]!;
    return now.state === 'running' && now.pid !== victim.pid;
  }, 120_000);
  const restartMs = Math.round(performance.now() - killedAt);
  const code = await swarm.stop();
  const peak = rss.stop();
  return meter.result(peak, { workers, restartMs, exitCode: code });
}

async function swarmWorkerApp(input: TaskInput) {
  // A killed worker keeps its partitions until its session times out: that, not the restart
  // of the process, dominates the restart time, so the swarm variants use 10 s instead of 30 s.
  @Consumer(input.topic, { batch: true })
  class SwarmCpuConsumer extends BaseConsumer<BenchPayload> {
    consume(messages: Messages<BenchPayload>): void {
      for (const message of messages) cpuWork(message.payload);
      process.send?.({ benchConsumed: messages.size } satisfies SwarmBenchMessage);
    }
  }
  const app = await karafkaApp(
    {
      clientId: `bench-swarm-${input.runId}`,
      kafka: { brokers: input.brokers },
      concurrency: CONCURRENCY,
      initialOffset: 'earliest',
      consumer: { ...KARAFKA_CONSUMER, sessionTimeout: 10_000, heartbeatInterval: 1_000 },
    },
    [SwarmCpuConsumer],
  );
  await app.get(KarafkaServer).start();
  return app;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await sleep(20);
  }
}
