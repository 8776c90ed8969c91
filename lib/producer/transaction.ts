import type { DeliveryHandle, DeliveryReport, ProducerMessage } from './producer-message.js';

/** Offsets to commit with a transaction: the next offset to read, per partition of a topic. */
export interface TransactionOffsets {
  /** Kafka consumer group id the offsets belong to. */
  consumerGroupId: string;
  /** Route topics (the topic mapper's `outgoing()` applies), each with the partitions' next offsets. */
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}

/**
 * What `producer.transaction(async (tx) => ...)` hands its callback. Everything sent through it
 * (and through the producer itself while the callback runs) commits or aborts together with the
 * offsets given to `sendOffsets`.
 */
export interface Transaction {
  /** Sends inside the transaction; resolves once the broker stored it (visible after commit). */
  produceSync(message: ProducerMessage): Promise<DeliveryReport>;
  /** Sends messages in one request inside the transaction. */
  produceManySync(messages: readonly ProducerMessage[]): Promise<DeliveryReport[]>;
  /** Held until the callback resolves, then sent right before the commit. */
  produceAsync(message: ProducerMessage): DeliveryHandle;
  /** Held until the callback resolves, then sent right before the commit. */
  produceManyAsync(messages: readonly ProducerMessage[]): DeliveryHandle[];
  /** Commits these consumer offsets with the transaction (consume-transform-produce). */
  sendOffsets(offsets: TransactionOffsets): Promise<void>;
}
