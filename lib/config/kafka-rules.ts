/**
 * Kafka's own rules that several parts check (config, routing, producer, CLI): one home each,
 * so they cannot drift apart.
 */

/** Letters, digits, ".", "_" and "-": topic names, and the ids built from clientId and group. */
export const KAFKA_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;
/** How error messages state the topic name rule. */
export const TOPIC_NAME_RULE = `1-${MAX_TOPIC_NAME_LENGTH} letters, digits, ".", "_" or "-"`;

export function isValidTopicName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_TOPIC_NAME_LENGTH &&
    KAFKA_NAME_PATTERN.test(name)
  );
}

/** Where a consumer group without committed offsets starts. */
export type InitialOffset = 'earliest' | 'latest';

/** Producer acknowledgements: -1 (all in-sync replicas), 1 (leader) or 0 (no acknowledgement). */
export const ACKS = [-1, 0, 1] as const;
/** Producer acknowledgements: `-1` all in-sync replicas, `1` the leader, `0` none. */
export type Acks = (typeof ACKS)[number];

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** Producer compression; only `gzip` ships with kafkajs, the others need a codec in kafkajs' `CompressionCodecs`. */
export type CompressionName = (typeof COMPRESSIONS)[number];

export function isAcks(value: unknown): value is Acks {
  return (ACKS as readonly unknown[]).includes(value);
}

export function isCompressionName(value: unknown): value is CompressionName {
  return (COMPRESSIONS as readonly unknown[]).includes(value);
}

export const ISOLATION_LEVELS = ['read_committed', 'read_uncommitted'] as const;
/** What a consumer reads of transactional topics: committed transactions only, or everything. */
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];
