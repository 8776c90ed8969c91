import type { Type } from '@nestjs/common';
import type { ConnectionOptions } from 'node:tls';
import type { RetryOptions, SASLOptions } from 'kafkajs';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import type { Deserializer, Serializer } from '../serialization/serialization.interfaces.js';
import type { Acks, CompressionName, InitialOffset, IsolationLevel } from './kafka-rules.js';

export type { Acks, CompressionName, InitialOffset, IsolationLevel } from './kafka-rules.js';

/** How to reach Kafka; passed to kafkajs. */
export interface KafkaConnectionOptions {
  /** `host:port` of one or more brokers to bootstrap from. */
  brokers: string[];
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
  /** ms to establish a connection. kafkajs default 1000. */
  connectionTimeout?: number;
  /** ms for a request to answer. kafkajs default 30000. */
  requestTimeout?: number;
  /** kafkajs retry settings of the client. */
  retry?: RetryOptions;
}

/** Consumer-group settings, passed to every kafkajs consumer. */
export interface ConsumerSettings {
  /** ms without heartbeat before the member is dropped. Default 30000. */
  sessionTimeout?: number;
  /** ms between heartbeats; must be below sessionTimeout. Default 3000. */
  heartbeatInterval?: number;
  /** ms the group waits for members to rejoin in a rebalance. Default 60000. */
  rebalanceTimeout?: number;
  /** Max bytes per fetch. Default 10 MiB. */
  maxBytes?: number;
  /** Max bytes per partition per fetch. Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Min bytes the broker waits for before answering a fetch. Default 1. */
  minBytes?: number;
  /** Max ms the broker waits for minBytes. Default 500. */
  maxWaitTime?: number;
  /**
   * What consumers read of transactional topics: only committed transactions
   * ('read_committed', default) or also open and aborted ones ('read_uncommitted').
   * A route may set its own (`@Consumer(topic, { isolationLevel })`); routes of one consumer
   * group must agree, since the group shares one kafkajs consumer.
   */
  isolationLevel?: IsolationLevel;
}

/** Backoff of a partition whose `consume` failed. */
export interface PauseOptions {
  /** First pause in ms. Default 1000. */
  timeout?: number;
  /** Longest pause in ms. Default 30000. */
  maxTimeout?: number;
  /** Double the pause on each consecutive failure. Default true. */
  exponentialBackoff?: boolean;
}

/** When marked offsets are committed (besides on revoke and on shutdown, which always commit). */
export interface CommitOptions {
  /** Commit every `interval` ms. Default 5000. */
  interval?: number;
  /** Commit once this many messages are marked. Default 0 (off). */
  threshold?: number;
}

/** The WaterDrop-style producer. */
export interface ProducerSettings {
  /** -1 (all in-sync replicas, default), 1 (leader) or 0 (no acknowledgement). */
  acks?: Acks;
  /** Exactly-once per partition within a session (kafkajs idempotent). Default false. */
  idempotent?: boolean;
  /** Default 'none'. kafkajs ships gzip; others need a codec registered with kafkajs. */
  compression?: CompressionName;
  /** How long `produceAsync` waits to batch more messages, in ms. Default 5. */
  lingerMs?: number;
  /** Max messages per background batch. Default 10000. */
  batchSize?: number;
  /** Largest payload accepted, in bytes. Default 1 000 000 (Kafka's default message.max.bytes). */
  maxPayloadSize?: number;
  /** Delivery retries (kafkajs). Default 5. */
  retries?: number;
  /**
   * Makes the producer transactional (`producer.transaction(...)`): a name unique to this
   * producer instance; a newer producer with the same id fences this one. Implies
   * `idempotent` and needs acks -1. Every send outside a transaction then runs in a
   * transaction of its own. Default: none (not transactional).
   */
  transactionalId?: string;
}

/**
 * Everything `forRoot()` takes except the routes (see KarafkaModuleOptions): configuration
 * does not know about routing, so types flow one way (config <- routing).
 */
export interface KarafkaSettings {
  /** Names this app to Kafka; default consumer group ids derive from it. Required. */
  clientId: string;
  kafka: KafkaConnectionOptions;
  consumer?: ConsumerSettings;
  /** Where a group without committed offsets starts. Default 'earliest'. */
  initialOffset?: InitialOffset;
  /** Partitions processed at once per consumer group. Default 3. */
  concurrency?: number;
  /** Mark every message of a batch once `consume` returns. Default true. */
  automaticallyMarkAsConsumed?: boolean;
  /** Keep one consumer instance per partition across batches. Default true. */
  consumerPersistence?: boolean;
  /**
   * Consumer group id of `@EventPattern` / `@MessagePattern` handlers (unless `@KarafkaRoute`
   * names another). Default `nestjs-group-server`: what Nest's `ServerKafka` uses with default
   * options (`consumer.groupId` `nestjs-group` + `postfixId` `-server`), so a service moved
   * from Nest's transport keeps its committed offsets. Set it to your `groupId + postfixId`.
   */
  patternGroupId?: string;
  pause?: PauseOptions;
  commit?: CommitOptions;
  /** ms that in-flight batches get to finish on shutdown before the stop is forced. Default 60000. */
  shutdownTimeout?: number;
  /** Topic name translation (an instance or an injectable class). Default: identity. */
  topicMapper?: TopicMapper | Type<TopicMapper>;
  /** Default deserializer of every route (instance or injectable class). Default: JSON. */
  deserializer?: Deserializer | Type<Deserializer>;
  /** Default serializer of the producer and responders. Default: JSON. */
  serializer?: Serializer | Type<Serializer>;
  producer?: ProducerSettings;
  /** Log through Nest's Logger (LoggerListener). Default true. */
  logger?: boolean;
}
