/** Where a consumer-side event happened. `topic` is the route topic (after incoming mapping). */
export interface PartitionRef {
  group: string;
  topic: string;
  partition: number;
}

/** One `consume` call, as `consumer.consume` and `consumer.consumed` report it. */
export interface ConsumeCallInfo extends PartitionRef {
  count: number;
  firstOffset: string;
  lastOffset: string;
  /** Routes with virtual partitions: the virtual partition (0 .. max-1) that ran the call. */
  virtualPartition?: number;
}

/** What `error.occurred` carries in `type`: where the failure happened. */
export type KarafkaErrorType =
  | 'consumer.consume.error'
  | 'consumer.revoked.error'
  | 'consumer.shutdown.error'
  | 'consumer.commit.error'
  | 'connection.client.error'
  | 'responder.usage.error'
  | 'responder.delivery.error'
  | 'consumer.dead_letter.error'
  | 'producer.produce_sync.error'
  | 'producer.produce_async.error'
  | 'producer.flush.error'
  | 'app.shutdown.error'
  | 'monitor.listener.error';

/**
 * Which transaction an event is about: the producer's transactional id (on exactly-once routes
 * `<groupId>-<kafkaTopic>-<partition>`, one per input partition).
 */
export interface TransactionRef {
  transactionalId: string;
}

/** A message as the producer events report it (after middleware and topic mapping). */
export interface ProducedMessageInfo {
  topic: string;
  partition?: number;
  key?: string | Buffer | null;
}

/** Where Kafka stored a message, as the producer events report it. */
export interface DeliveryReportInfo {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
}

/**
 * The catalogue of events: name -> payload. `monitor.subscribe(name, fn)` accepts exactly these
 * names, and a listener object's `onCamelCase` methods map onto them
 * (`consumer.consumed` -> `onConsumerConsumed`).
 */
export interface KarafkaEvents {
  /** Routes built and validated, at bootstrap. */
  'app.initialized': { groups: string[]; topics: string[] };
  /** Every consumer group is connected and fetching. */
  'app.running': { groups: string[] };
  /** Graceful shutdown started. */
  'app.stopping': { reason: string };
  /** Shutdown finished; `forced` when `shutdownTimeout` ran out with work in flight. */
  'app.stopped': { forced: boolean };

  /** A fetched batch of one partition arrived from kafkajs. */
  'connection.listener.fetch_loop.received': PartitionRef & {
    count: number;
    highWatermark: string;
  };
  /** The kafkajs consumer of a group crashed; `restart` tells whether it will be restarted. */
  'connection.client.crashed': { group: string; error: unknown; restart: boolean };
  /** The kafkajs consumer of a group (re)connected. */
  'connection.client.connected': { group: string };

  /**
   * `consume` is about to run on `count` messages. `virtualPartition` (0 .. max-1) is set on
   * routes with virtual partitions: which of them runs the call.
   */
  'consumer.consume': ConsumeCallInfo;
  /** `consume` returned without error; `duration` holds its time in ms. */
  'consumer.consumed': ConsumeCallInfo;
  /** A failing partition was paused for backoff (`this.pause()` publishes nothing). */
  'consumer.consuming.pause': PartitionRef & { timeout: number; offset: string; attempt: number };
  /** A paused partition resumes, retrying from `offset`. */
  'consumer.consuming.retry': PartitionRef & { offset: string; attempt: number };
  /** `onRevoked` ran for a partition taken away. */
  'consumer.revoked': PartitionRef;
  /** `onShutdown` ran for a partition's consumer instance. */
  'consumer.shutdown': PartitionRef;
  /** Offsets were committed to Kafka. */
  'consumer.offsets.committed': {
    group: string;
    offsets: Array<{ topic: string; partition: number; offset: string }>;
  };

  'rebalance.partitions_assigned': { group: string; partitions: Record<string, number[]> };
  'rebalance.partitions_revoked': { group: string; partitions: Record<string, number[]> };

  /** A payload could not be deserialized (or failed its DTO validation). */
  'message.deserialize.error': PartitionRef & { offset: string; error: unknown };
  /** A message that kept failing was produced to the route's dead letter topic and marked. */
  'dead_letter_queue.dispatched': PartitionRef & {
    offset: string;
    deadLetterTopic: string;
    attempts: number;
    error: unknown;
  };

  'message.produced_sync': { message: ProducedMessageInfo; report: DeliveryReportInfo };
  'message.produced_async': { message: ProducedMessageInfo };
  'messages.produced_sync': { messages: ProducedMessageInfo[]; reports: DeliveryReportInfo[] };
  'messages.produced_async': { messages: ProducedMessageInfo[] };
  'message.acknowledged': { report: DeliveryReportInfo };
  'buffer.flushed_sync': { messages: ProducedMessageInfo[] };
  'buffer.flushed_async': { messages: ProducedMessageInfo[] };
  'producer.closed': { pending: number };

  /** A transaction of a transactional producer began. */
  'transaction.started': TransactionRef;
  /** A transaction committed; `duration` holds its time in ms from begin to commit. */
  'transaction.committed': TransactionRef;
  /** A transaction was aborted (its work threw, or Kafka refused it); `duration` in ms. */
  'transaction.aborted': TransactionRef & { error: unknown };

  /** A consumer's responses were delivered after `consume`. */
  'responder.responded': PartitionRef & { responses: Record<string, number> };

  /** Anything that failed, with where it failed in `type`. */
  'error.occurred': {
    type: KarafkaErrorType;
    error: unknown;
    group?: string;
    topic?: string;
    partition?: number;
    consumer?: string;
    /** A failed `consume` of a route with virtual partitions: which one failed. */
    virtualPartition?: number;
    /** An exception filter handled it: the call counts as done (marked, not retried). */
    handled?: boolean;
  };
}

/** The name of an event of the catalogue (`KARAFKA_EVENT_NAMES` lists them). */
export type KarafkaEventName = keyof KarafkaEvents;

/** What a subscriber receives. `duration` (ms) is set for timed work. */
export interface KarafkaEvent<N extends KarafkaEventName = KarafkaEventName> {
  readonly id: N;
  readonly payload: KarafkaEvents[N];
  readonly duration?: number;
  readonly time: Date;
}

/** The names every event can be subscribed under; unknown names are rejected. */
export const KARAFKA_EVENT_NAMES = [
  'app.initialized',
  'app.running',
  'app.stopping',
  'app.stopped',
  'connection.listener.fetch_loop.received',
  'connection.client.crashed',
  'connection.client.connected',
  'consumer.consume',
  'consumer.consumed',
  'consumer.consuming.pause',
  'consumer.consuming.retry',
  'consumer.revoked',
  'consumer.shutdown',
  'consumer.offsets.committed',
  'rebalance.partitions_assigned',
  'rebalance.partitions_revoked',
  'message.deserialize.error',
  'dead_letter_queue.dispatched',
  'message.produced_sync',
  'message.produced_async',
  'messages.produced_sync',
  'messages.produced_async',
  'message.acknowledged',
  'buffer.flushed_sync',
  'buffer.flushed_async',
  'producer.closed',
  'transaction.started',
  'transaction.committed',
  'transaction.aborted',
  'responder.responded',
  'error.occurred',
] as const satisfies readonly KarafkaEventName[];

type CamelSegment<S extends string> = S extends `${infer H}_${infer T}`
  ? `${Capitalize<H>}${CamelSegment<T>}`
  : Capitalize<S>;
type ListenerMethodName<N extends string> = N extends `${infer H}.${infer T}`
  ? `${CamelSegment<H>}${ListenerMethodName<T>}`
  : CamelSegment<N>;

/** `consumer.consumed` -> `onConsumerConsumed`, `buffer.flushed_sync` -> `onBufferFlushedSync`. */
export type KarafkaListener = {
  [N in KarafkaEventName as `on${ListenerMethodName<N>}`]?: (event: KarafkaEvent<N>) => void;
};

export function listenerMethodName(name: string): string {
  return (
    'on' +
    name
      .split(/[._]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join('')
  );
}
