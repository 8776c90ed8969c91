import { Kafka, logLevel, type Admin } from 'kafkajs';

/** A kafkajs client for the benchmark's own plumbing and the raw variants (logs errors only). */
export function benchKafka(brokers: string[], clientId: string, level = logLevel.ERROR): Kafka {
  return new Kafka({ clientId, brokers, logLevel: level });
}

export async function withAdmin<T>(
  brokers: string[],
  fn: (admin: Admin) => Promise<T>,
): Promise<T> {
  // Quiet: admin failures surface as rejections; retried coordinator lookups are not news.
  const admin = benchKafka(brokers, 'bench-admin', logLevel.NOTHING).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(
  brokers: string[],
  topic: string,
  numPartitions: number,
): Promise<void> {
  await withAdmin(brokers, (admin) =>
    admin.createTopics({
      topics: [{ topic, numPartitions, replicationFactor: 1 }],
      waitForLeaders: true,
    }),
  );
}
