import type { Admin, ITopicConfig } from 'kafkajs';
import { waitForLeaders } from '../connection/topic-leaders.js';

/** The Kafka topics the web UI keeps its state in (no other storage). */
export interface KarafkaWebTopics {
  /** Full state of each process, every `interval` (compacted by process id, kept 1 h). */
  reports: string;
  /** Small per-process counters of each report, kept a day: the charts' per-minute history. */
  samples: string;
  /**
   * Per-process totals of each hour, compacted (one record per process and hour), kept a week:
   * the charts' per-hour history.
   */
  history: string;
  /** Errors of `error.occurred` with class, message, stack and where (kept 7 days). */
  errors: string;
  /** Pause/resume/seek commands from the UI to the owning process (kept 1 h). */
  commands: string;
}

/** Default topic names (Karafka Web's `karafka_consumers_*` naming). */
export const DEFAULT_WEB_TOPICS: KarafkaWebTopics = {
  reports: 'karafka_consumers_reports',
  samples: 'karafka_consumers_samples',
  history: 'karafka_consumers_history',
  errors: 'karafka_errors',
  commands: 'karafka_consumers_commands',
};

const HOUR = 3_600_000;

function topicConfigs(topics: KarafkaWebTopics): ITopicConfig[] {
  const config = (entries: Record<string, string>) =>
    Object.entries(entries).map(([name, value]) => ({ name, value }));
  return [
    {
      topic: topics.reports,
      numPartitions: 1,
      // Only the newest report per process matters; compaction keeps the topic small, the
      // retention drops processes gone for an hour.
      configEntries: config({
        'cleanup.policy': 'compact,delete',
        'retention.ms': String(HOUR),
        'segment.ms': String(HOUR / 6),
      }),
    },
    {
      topic: topics.samples,
      numPartitions: 1,
      configEntries: config({ 'retention.ms': String(24 * HOUR), 'segment.ms': String(HOUR) }),
    },
    {
      topic: topics.history,
      numPartitions: 1,
      // Each report rewrites its process's current hour; compaction keeps the last one, the
      // retention (a day over the week the charts show) drops old hours.
      configEntries: config({
        'cleanup.policy': 'compact,delete',
        'retention.ms': String(8 * 24 * HOUR),
        'segment.ms': String(HOUR),
      }),
    },
    {
      topic: topics.errors,
      numPartitions: 1,
      configEntries: config({ 'retention.ms': String(7 * 24 * HOUR) }),
    },
    {
      topic: topics.commands,
      numPartitions: 1,
      configEntries: config({ 'retention.ms': String(HOUR) }),
    },
  ];
}

/** Creates the web UI's topics that do not exist yet (`karafka web install` and at start). */
export async function ensureWebTopics(admin: Admin, topics: KarafkaWebTopics): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topicConfigs(topics).filter((config) => !existing.has(config.topic));
  if (!missing.length) return [];
  try {
    // Not kafkajs' waitForLeaders: see connection/topic-leaders.ts.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  } catch (error) {
    // Another process created them at the same moment.
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  }
  await waitForLeaders(
    admin,
    missing.map((config) => ({ name: config.topic, partitions: config.numPartitions ?? 1 })),
  );
  return missing.map((config) => config.topic);
}
