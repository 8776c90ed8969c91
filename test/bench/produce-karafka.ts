import { Producer } from '../../lib/producer/producer.js';
import type { DeliveryHandle } from '../../lib/producer/producer-message.js';
import { karafkaApp } from './karafka-app.js';
import { createTopic } from './kafka.js';
import { benchKey, benchPayload } from './payload.js';
import { latencyResult, rate, WARMUP } from './produce-common.js';
import type { LatencyResult, TaskInput, ThroughputResult } from './settings.js';
import { round, startRssSampler } from './stats.js';

/**
 * Producer.produceAsync of the same messages in a plain loop (objects, serialized by the
 * framework's JSON serializer), acks -1; the clock stops when the last handle resolved and
 * nothing is pending.
 */
export async function produceKarafkaAsync(input: TaskInput): Promise<ThroughputResult> {
  await createTopic(input.brokers, input.topic, input.partitions);
  const rss = startRssSampler();
  const app = await karafkaApp({
    clientId: `bench-producer-${input.runId}`,
    kafka: { brokers: input.brokers },
    producer: { acks: -1 },
  });
  const producer = app.get(Producer);
  await producer.connect();
  const started = performance.now();
  const startedUs = process.hrtime.bigint() / 1000n;
  let last: DeliveryHandle | undefined;
  for (let i = 0; i < input.messages; i++) {
    last = producer.produceAsync({
      topic: input.topic,
      payload: benchPayload(i),
      key: benchKey(i),
    });
  }
  await last!.report;
  while (producer.pendingAsync > 0) await new Promise((resolve) => setImmediate(resolve));
  const durationMs = performance.now() - started;
  const profileWindowUs = `${startedUs}-${process.hrtime.bigint() / 1000n}`;
  const peak = rss.stop();
  await app.close();
  return {
    messages: input.messages,
    durationMs: round(durationMs, 1),
    messagesPerSecond: rate(input.messages, durationMs),
    peakRssMb: peak,
    notes: { profileWindowUs },
  };
}

/** Producer.produceSync of one message at a time (acks -1, or the `with({ acks: 0 })` variant). */
export async function latencyKarafkaSync(input: TaskInput, acks: -1 | 0): Promise<LatencyResult> {
  await createTopic(input.brokers, input.topic, input.partitions);
  const rss = startRssSampler();
  const app = await karafkaApp({
    clientId: `bench-latency-${input.runId}`,
    kafka: { brokers: input.brokers },
    producer: { acks: -1 },
  });
  const base = app.get(Producer);
  const producer = acks === -1 ? base : base.with({ acks: 0 });
  await producer.connect();
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + input.messages; i++) {
    const started = performance.now();
    await producer.produceSync({ topic: input.topic, payload: benchPayload(i), key: benchKey(i) });
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  const peak = rss.stop();
  await app.close();
  return latencyResult(samples, peak);
}
