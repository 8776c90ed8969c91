import { benchKafka } from './kafka.js';
import type { BenchPayload } from './payload.js';
import { CONCURRENCY, FETCH, type TaskInput, type ThroughputResult } from './settings.js';
import { startRssSampler, ThroughputMeter } from './stats.js';

/**
 * The driver's ceiling: plain kafkajs, autoCommit off (nothing commits while measuring, like
 * karafka's 5 s interval commits almost nothing), same fetch settings and concurrency.
 * `eachBatchParse` also JSON.parses every value: the same work the framework variants' consume
 * does, so the gap to it is the framework's own cost.
 */
export async function consumeRaw(
  input: TaskInput,
  mode: 'eachBatch' | 'eachBatchParse' | 'eachMessage',
): Promise<ThroughputResult> {
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  const consumer = benchKafka(input.brokers, `bench-raw-${input.runId}`).consumer({
    groupId: `bench-raw-${mode}-${input.runId}`,
    ...FETCH,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [input.topic], fromBeginning: true });
  let batches = 0;
  let checksum = 0;
  if (mode === 'eachBatch' || mode === 'eachBatchParse') {
    const parse = mode === 'eachBatchParse';
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: CONCURRENCY,
      eachBatch: async ({ batch, resolveOffset }) => {
        const messages = batch.messages;
        if (messages.length === 0) return;
        batches += 1;
        if (parse) {
          for (const message of messages) {
            checksum += (JSON.parse(message.value!.toString('utf8')) as BenchPayload).id;
          }
        }
        // Otherwise a no-op handler: the offsets are resolved, nothing else is done.
        resolveOffset(messages[messages.length - 1]!.offset);
        meter.add(messages.length);
      },
    });
  } else {
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: CONCURRENCY,
      eachMessage: async () => {
        meter.add(1);
      },
    });
  }
  meter.ready(); // run() resolves once the group is joined; fetching starts now
  await meter.done;
  const peak = rss.stop();
  await consumer.disconnect();
  return meter.result(peak, mode === 'eachMessage' ? {} : { batches, checksum });
}
