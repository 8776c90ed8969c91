import type { Admin } from 'kafkajs';
import { KarafkaError } from '../errors/karafka.error.js';

/** How long a created topic may take to have a leader for every partition. */
const LEADER_TIMEOUT_MS = 30_000;

/** A topic just created, and how many partitions it was created with. */
export interface CreatedTopic {
  name: string;
  partitions: number;
}

/**
 * Resolves once every partition of the just-created topics has a leader. Not kafkajs'
 * `waitForLeaders`: it retries only LEADER_NOT_AVAILABLE and fails on UNKNOWN_TOPIC_OR_PARTITION
 * ("does not host this topic-partition"), which a broker answers until it has applied the new
 * topic's metadata (a cluster node, or a single broker under load). Errors are asked again
 * until LEADER_TIMEOUT_MS, then named.
 */
export async function waitForLeaders(
  admin: Pick<Admin, 'fetchTopicMetadata'>,
  topics: CreatedTopic[],
  timeoutMs = LEADER_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      const missing = topics.flatMap((topic) => {
        const found = metadata.topics.find((t) => t.name === topic.name)?.partitions ?? [];
        const leaderless = found.filter((partition) => partition.leader < 0).length;
        return found.length >= topic.partitions && leaderless === 0
          ? []
          : [
              `${topic.name}: ${found.length} of ${topic.partitions} partitions known, ${leaderless} without a leader`,
            ];
      });
      if (!missing.length) return;
      last = missing.join('; ');
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new KarafkaError(
        `Topics ${topics.map((t) => t.name).join(', ')} were created but not every partition had a ` +
          `leader within ${timeoutMs / 1000} s (${last}). Check that the brokers run ` +
          '(`karafka topics list` shows the topics once they do).',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
