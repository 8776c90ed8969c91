import type { Message } from 'kafkajs';
import { benchKafka, createTopic, withAdmin } from './kafka.js';
import { benchKey, benchPayload } from './payload.js';

const CHUNK = 1_000;
const IN_FLIGHT = 4;

/**
 * Creates the consume topic and fills it once per benchmark run with `count` keyed JSON
 * messages (plain kafkajs, acks -1). Checks the high watermarks add up to `count`.
 */
export async function prepareConsumeTopic(
  brokers: string[],
  topic: string,
  partitions: number,
  count: number,
  log: (line: string) => void,
): Promise<void> {
  await createTopic(brokers, topic, partitions);
  const producer = benchKafka(brokers, 'bench-data').producer();
  await producer.connect();
  const started = Date.now();
  let lastReport = started;
  try {
    const pending = new Set<Promise<unknown>>();
    for (let from = 0; from < count; from += CHUNK) {
      const messages: Message[] = [];
      for (let i = from; i < Math.min(count, from + CHUNK); i++) {
        messages.push({ key: benchKey(i), value: JSON.stringify(benchPayload(i)) });
      }
      const send = producer.send({ topic, acks: -1, messages });
      pending.add(send);
      void send.then(
        () => pending.delete(send),
        () => pending.delete(send),
      );
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        log(`  produced ${from + messages.length} / ${count}`);
      }
    }
    await Promise.all(pending);
  } finally {
    await producer.disconnect();
  }
  const offsets = await withAdmin(brokers, (admin) => admin.fetchTopicOffsets(topic));
  const total = offsets.reduce(
    (sum, partition) => sum + Number(partition.high) - Number(partition.low),
    0,
  );
  if (total !== count) throw new Error(`topic ${topic} holds ${total} messages, expected ${count}`);
  // The first group request creates __consumer_offsets; do it now, not in the first measured run.
  // On a loaded machine the coordinator may still be moving/loading: kafkajs' admin does not
  // retry NOT_COORDINATOR here, so retry a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin(brokers, (admin) =>
        admin.fetchOffsets({ groupId: `${topic}-warmup`, topics: [topic] }),
      );
      break;
    } catch (error) {
      if (attempt >= 10) throw error;
      log(`warmup: ${error instanceof Error ? error.message : String(error)}; retrying`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  log(
    `${count} messages over ${partitions} partitions in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** Deletes the topics this benchmark run created (best effort). */
export async function deleteTopics(brokers: string[], prefix: string): Promise<void> {
  await withAdmin(brokers, async (admin) => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
  });
}
