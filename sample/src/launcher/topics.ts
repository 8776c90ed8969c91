import type { Admin } from 'kafkajs';

export interface TopicsReport {
  created: string[];
  grown: string[];
  kept: string[];
}

/**
 * Creates the topics that do not exist with `partitions` partitions and grows those that have
 * fewer (Kafka never shrinks a topic). `karafka topics migrate` does the same for the routed
 * topics; the launcher also needs `cart_audit`, which is only produced to.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  partitions: number,
): Promise<TopicsReport> {
  const existing = new Set(await admin.listTopics());
  const report: TopicsReport = { created: [], grown: [], kept: [] };
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length) {
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    report.created.push(...missing);
  }
  const present = topics.filter((topic) => existing.has(topic));
  if (present.length) {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: present });
    const small = metadata.filter((topic) => topic.partitions.length < partitions);
    if (small.length) {
      await admin.createPartitions({
        topicPartitions: small.map(({ name }) => ({ topic: name, count: partitions })),
      });
    }
    report.grown.push(...small.map(({ name }) => name));
    report.kept.push(...present.filter((topic) => !report.grown.includes(topic)));
  }
  return report;
}
