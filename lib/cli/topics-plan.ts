import type { Route } from '../routing/route.js';

/** A topic as the routing declares it (`@Consumer(topic, { config })`), under its Kafka name. */
export interface DeclaredTopic {
  /** Name in Kafka (mapped). */
  name: string;
  /** Route topic names that consume it (one per consumer group that routes it). */
  routeTopics: string[];
  partitions: number;
  /** Undefined: the broker's `default.replication.factor` (3 on `karafka cluster`, 1 on one broker). */
  replicationFactor?: number;
  settings: Record<string, string>;
}

export type TopicAction =
  | { kind: 'create'; topic: DeclaredTopic }
  | { kind: 'grow'; topic: DeclaredTopic; from: number }
  | { kind: 'keep'; topic: DeclaredTopic; existing: number }
  /** The broker has more partitions than declared: Kafka cannot shrink a topic. */
  | { kind: 'cannot-shrink'; topic: DeclaredTopic; existing: number };

/**
 * One entry per Kafka topic. When several groups route the same topic, the largest partition
 * count and replication factor win and the settings are merged (first declaration first).
 */
export function declaredTopics(routes: readonly Route[]): DeclaredTopic[] {
  const byName = new Map<string, DeclaredTopic>();
  for (const route of routes) {
    const config = route.config ?? {};
    const known = byName.get(route.kafkaTopic);
    if (!known) {
      byName.set(route.kafkaTopic, {
        name: route.kafkaTopic,
        routeTopics: [route.topic],
        partitions: config.partitions ?? 1,
        replicationFactor: config.replicationFactor,
        settings: { ...config.settings },
      });
      continue;
    }
    if (!known.routeTopics.includes(route.topic)) known.routeTopics.push(route.topic);
    known.partitions = Math.max(known.partitions, config.partitions ?? 1);
    if (config.replicationFactor !== undefined) {
      known.replicationFactor = Math.max(known.replicationFactor ?? 0, config.replicationFactor);
    }
    known.settings = { ...config.settings, ...known.settings };
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** What `migrate` does (`create` only creates: pass `grow: false`). */
export function planTopics(
  declared: readonly DeclaredTopic[],
  existing: ReadonlyMap<string, number>,
  options: { grow: boolean },
): TopicAction[] {
  return declared.map((topic): TopicAction => {
    const partitions = existing.get(topic.name);
    if (partitions === undefined) return { kind: 'create', topic };
    if (partitions < topic.partitions && options.grow)
      return { kind: 'grow', topic, from: partitions };
    if (partitions > topic.partitions)
      return { kind: 'cannot-shrink', topic, existing: partitions };
    return { kind: 'keep', topic, existing: partitions };
  });
}

export function describeAction(action: TopicAction): string {
  const { topic } = action;
  switch (action.kind) {
    case 'create':
      return `create  ${topic.name} (${declarationText(topic)})`;
    case 'grow':
      return `grow    ${topic.name} from ${action.from} to ${topic.partitions} partitions`;
    case 'keep':
      return action.existing < topic.partitions
        ? `keep    ${topic.name} (${action.existing} partitions, ${topic.partitions} declared: run \`karafka topics migrate\` to grow it)`
        : `keep    ${topic.name} (${action.existing} partitions, as declared)`;
    case 'cannot-shrink':
      return `keep    ${topic.name} (${action.existing} partitions, ${topic.partitions} declared: Kafka never shrinks a topic, left as is)`;
  }
}

export function declarationText(topic: DeclaredTopic): string {
  const settings = Object.entries(topic.settings).map(([key, value]) => `${key}=${value}`);
  return [
    `${topic.partitions} partition${topic.partitions === 1 ? '' : 's'}`,
    topic.replicationFactor === undefined
      ? "the broker's default replication factor"
      : `replication factor ${topic.replicationFactor}`,
    ...(settings.length ? [settings.join(', ')] : []),
  ].join(', ');
}

/** A partition whose in-sync replicas are fewer than its replicas (a follower is down or behind). */
export interface UnderReplicatedPartition {
  topic: string;
  partition: number;
  replicas: number[];
  isr: number[];
}

export function describeUnderReplicated(partition: UnderReplicatedPartition): string {
  const missing = partition.replicas.filter((id) => !partition.isr.includes(id));
  return (
    `under-replicated ${partition.topic}[${partition.partition}]: ${partition.isr.length} of ` +
    `${partition.replicas.length} replicas in sync (not in sync: broker ${missing.join(', ')})`
  );
}
