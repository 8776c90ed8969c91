import { isStandardSchema } from '../validation/standard-schema.js';
import {
  ISOLATION_LEVELS,
  isValidTopicName,
  KAFKA_NAME_PATTERN,
  TOPIC_NAME_RULE,
} from '../config/kafka-rules.js';
import { DEFAULT_GROUP } from './constants.js';
import type { RouteDefinition, TopicDeclaration } from './consumer-options.js';
import type { ResponderDeclaration } from '../responders/responder-declaration.js';
import { KarafkaRoutingError } from './routing.error.js';

const KNOWN_OPTIONS = new Set([
  'topic',
  'consumer',
  'batch',
  'group',
  'deserializer',
  'payload',
  'persistent',
  'initialOffset',
  'manualOffsets',
  'config',
  'deadLetter',
  'exactlyOnce',
  'isolationLevel',
  'virtualPartitions',
]);
const BOOLEAN_OPTIONS = ['batch', 'persistent', 'manualOffsets', 'exactlyOnce'] as const;

export function validateTopicName(topic: unknown, owner: string): asserts topic is string {
  if (!isValidTopicName(topic)) {
    throw new KarafkaRoutingError(
      `${owner}: invalid topic name ${JSON.stringify(topic)}. Topic names are ${TOPIC_NAME_RULE}.`,
    );
  }
}

/** Every problem of one route's options, in one error naming the class and the topic. */
export function validateConsumerOptions(
  definition: RouteDefinition,
  name: string,
  topic: string,
): void {
  const problems: string[] = [];
  for (const key of Object.keys(definition)) {
    if (!KNOWN_OPTIONS.has(key)) problems.push(`${key}: is not a known option`);
  }
  for (const key of BOOLEAN_OPTIONS) {
    if (definition[key] !== undefined && typeof definition[key] !== 'boolean')
      problems.push(`${key}: must be a boolean`);
  }
  const group = definition.group ?? DEFAULT_GROUP;
  if (typeof group !== 'string' || !KAFKA_NAME_PATTERN.test(group)) {
    problems.push(`group: must be letters, digits, ".", "_" or "-"`);
  }
  if (
    definition.initialOffset !== undefined &&
    !['earliest', 'latest'].includes(definition.initialOffset)
  ) {
    problems.push(`initialOffset: must be 'earliest' or 'latest'`);
  }
  if (
    definition.isolationLevel !== undefined &&
    !(ISOLATION_LEVELS as readonly unknown[]).includes(definition.isolationLevel)
  ) {
    problems.push(`isolationLevel: must be 'read_committed' or 'read_uncommitted'`);
  }
  if (definition.exactlyOnce === true && definition.manualOffsets === true) {
    problems.push(
      'manualOffsets: cannot be combined with exactlyOnce (each call commits its offsets in its transaction)',
    );
  }
  if (definition.exactlyOnce === true && definition.virtualPartitions !== undefined) {
    problems.push(
      'virtualPartitions: cannot be combined with exactlyOnce (a transaction holds one call and ' +
        'its offsets, while virtual partitions run calls concurrently and commit only what all ' +
        'of them finished); give the topic more partitions instead',
    );
  }
  if (
    definition.payload !== undefined &&
    typeof definition.payload !== 'function' &&
    !isStandardSchema(definition.payload)
  ) {
    problems.push('payload: must be a DTO class or a Standard Schema (zod, valibot, arktype, ...)');
  }
  const deserializer = definition.deserializer as unknown;
  if (
    deserializer !== undefined &&
    typeof deserializer !== 'function' &&
    typeof (deserializer as { deserialize?: unknown } | null)?.deserialize !== 'function'
  ) {
    problems.push('deserializer: must be a class or an object with deserialize()');
  }
  const config = definition.config as unknown;
  if (config !== undefined && (config === null || typeof config !== 'object')) {
    problems.push('config: must be an object { partitions, replicationFactor, settings }');
  } else if (config !== undefined) {
    problems.push(...topicDeclarationProblems(config as TopicDeclaration));
  }
  problems.push(...deadLetterProblems(definition.deadLetter as unknown, topic));
  problems.push(...virtualPartitionsProblems(definition));
  if (problems.length) {
    throw new KarafkaRoutingError(
      `${name} (topic "${topic}") has invalid options:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

function deadLetterProblems(deadLetter: unknown, topic: string): string[] {
  if (deadLetter === undefined) return [];
  if (deadLetter === null || typeof deadLetter !== 'object') {
    return ['deadLetter: must be an object { topic, maxRetries }'];
  }
  const problems: string[] = [];
  const { topic: target, maxRetries, ...rest } = deadLetter as Record<string, unknown>;
  for (const key of Object.keys(rest)) problems.push(`deadLetter.${key}: is not a known option`);
  if (!isValidTopicName(target)) {
    problems.push('deadLetter.topic: must be a valid topic name');
  } else if (target === topic) {
    problems.push('deadLetter.topic: must not be the consumed topic itself');
  }
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && (maxRetries as number) >= 0)) {
    problems.push('deadLetter.maxRetries: must be a whole number >= 0');
  }
  return problems;
}

function virtualPartitionsProblems(definition: RouteDefinition): string[] {
  const options = definition.virtualPartitions as unknown;
  if (options === undefined) return [];
  if (options === null || typeof options !== 'object') {
    return ['virtualPartitions: must be an object { max, partitioner }'];
  }
  const problems: string[] = [];
  const { max, partitioner, distribution, ...rest } = options as Record<string, unknown>;
  for (const key of Object.keys(rest)) {
    problems.push(`virtualPartitions.${key}: is not a known option`);
  }
  if (!(Number.isInteger(max) && (max as number) >= 1)) {
    problems.push('virtualPartitions.max: must be a whole number >= 1');
  }
  if (partitioner !== undefined && typeof partitioner !== 'function') {
    problems.push('virtualPartitions.partitioner: must be a function (message) => string | number');
  }
  if (distribution !== undefined && distribution !== 'consistent' && distribution !== 'balanced') {
    problems.push(`virtualPartitions.distribution: must be 'consistent' or 'balanced'`);
  }
  return problems;
}

const TOPIC_DECLARATION_KEYS = new Set(['partitions', 'replicationFactor', 'settings']);

/** A typo such as `{ partition: 6 }` would otherwise be ignored and the topic made with 1. */
function topicDeclarationProblems(config: TopicDeclaration): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(config)) {
    if (!TOPIC_DECLARATION_KEYS.has(key)) problems.push(`config.${key}: is not a known option`);
  }
  for (const key of ['partitions', 'replicationFactor'] as const) {
    const value = config[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      problems.push(`config.${key}: must be a positive whole number`);
    }
  }
  const settings = config.settings as unknown;
  if (
    settings !== undefined &&
    (settings === null ||
      typeof settings !== 'object' ||
      Object.values(settings).some((value) => typeof value !== 'string'))
  ) {
    problems.push(
      `config.settings: must map topic config names to strings, e.g. { 'retention.ms': '86400000' }`,
    );
  }
  return problems;
}

export function validateResponders(
  declarations: readonly ResponderDeclaration[],
  name: string,
): void {
  const seen = new Set<string>();
  for (const declaration of declarations) {
    validateTopicName(declaration.topic, `${name} @Responds`);
    if (seen.has(declaration.topic)) {
      throw new KarafkaRoutingError(
        `${name} declares @Responds('${declaration.topic}') twice; declare each topic once ` +
          `(use { multiple: true } for several responses).`,
      );
    }
    seen.add(declaration.topic);
  }
}
