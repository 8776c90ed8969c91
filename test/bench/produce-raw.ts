import type { Message } from 'kafkajs';
import { benchKafka, createTopic } from './kafka.js';
import { benchKey, benchPayload } from './payload.js';
import { CHUNK, latencyResult, rate, WARMUP } from './produce-common.js';
import type { LatencyResult, TaskInput, ThroughputResult } from './settings.js';
import { round, startRssSampler } from './stats.js';

/**
 * Raw kafkajs: `send` of chunks of 1,000 messages, acks -1, with up to `inFlight` sends
 * outstanding (1 = await each chunk). Serializing the payloads is inside the clock, as for
 * the framework.
 */
export async function produceRawBatched(input: TaskInput): Promise<ThroughputResult> {
  const inFlight = Number(input.options?.inFlight ?? 1);
  await createTopic(input.brokers, input.topic, input.partitions);
  const rss = startRssSampler();
  const producer = benchKafka(input.brokers, `bench-raw-producer-${input.runId}`).producer();
  await producer.connect();
  const started = performance.now();
  const startedUs = process.hrtime.bigint() / 1000n;
  const pending = new Set<Promise<unknown>>();
  for (let from = 0; from < input.messages; from += CHUNK) {
    const messages: Message[] = [];
    const to = Math.min(input.messages, from + CHUNK);
    for (let i = from; i < to; i++) {
      messages.push({ key: benchKey(i), value: JSON.stringify(benchPayload(i)) });
    }
    const send = producer.send({ topic: input.topic, acks: -1, messages });
    pending.add(send);
    void send.finally(() => pending.delete(send));
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  const durationMs = performance.now() - started;
  const profileWindowUs = `${startedUs}-${process.hrtime.bigint() / 1000n}`;
  const peak = rss.stop();
  await producer.disconnect();
  return {
    messages: input.messages,
    durationMs: round(durationMs, 1),
    messagesPerSecond: rate(input.messages, durationMs),
    peakRssMb: peak,
    notes: { inFlight, chunk: CHUNK, profileWindowUs },
  };
}

/** Raw kafkajs `send` of one message at a time, awaited, with the given acks. */
export async function latencyRawSend(input: TaskInput, acks: -1 | 0): Promise<LatencyResult> {
  await createTopic(input.brokers, input.topic, input.partitions);
  const rss = startRssSampler();
  const producer = benchKafka(input.brokers, `bench-raw-latency-${input.runId}`).producer();
  await producer.connect();
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + input.messages; i++) {
    const started = performance.now();
    await producer.send({
      topic: input.topic,
      acks,
      messages: [{ key: benchKey(i), value: JSON.stringify(benchPayload(i)) }],
    });
    if (i >= WARMUP) samples.push(performance.now() - started);
  }
  const peak = rss.stop();
  await producer.disconnect();
  return latencyResult(samples, peak);
}
