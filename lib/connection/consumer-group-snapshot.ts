/** Where a consumer group's client is, as the runtime snapshot reports it. */
export type ConsumerGroupState = 'connecting' | 'joined' | 'crashed' | 'stopped';

/** One assigned topic-partition of a consumer group, as the runtime snapshot reports it. */
export interface PartitionSnapshot {
  /** Route topic (after the topic mapper's `incoming`). */
  readonly topic: string;
  /** Topic in Kafka. */
  readonly kafkaTopic: string;
  readonly partition: number;
  /** Offset the next produced message will get, from the last fetch or the admin API. */
  readonly highWatermark?: string;
  /** Offset of the last message marked as consumed in this process. */
  readonly markedOffset?: string;
  /** Next offset committed in Kafka, as last read from the admin API (`-1`: none). */
  readonly committedOffset?: string;
  /**
   * Messages behind the high watermark: `highWatermark - (markedOffset + 1)`, or from the
   * committed offset when nothing was marked here. Unknown until a batch was fetched or the
   * admin API was asked (`KarafkaServer.refreshLag()`).
   */
  readonly lag?: number;
  /** Paused, by a backoff after a failure or by the consumer's `pause()`. */
  readonly paused: boolean;
  /** Paused by the consumer's `pause()` or a pause command (not by a backoff). */
  readonly pausedByConsumer?: boolean;
  /** Since when the partition waits out a backoff after failed `consume` calls. */
  readonly backingOffSince?: Date;
  /** Consecutive failed `consume` calls. */
  readonly attempt: number;
  /** Since when the `consume` call in progress runs. */
  readonly consumingSince?: Date;
}

/** One consumer group of this process, as the runtime snapshot reports it. */
export interface ConsumerGroupSnapshot {
  /** Kafka consumer group id. */
  readonly id: string;
  /** Group name in the routes. */
  readonly name: string;
  readonly state: ConsumerGroupState;
  /** Route topics of the group. */
  readonly topics: readonly string[];
  /** Consecutive crashes of the client since it last joined the group. */
  readonly crashes: number;
  /** What the last crash said, while the group has not joined again. */
  readonly lastError?: string;
  /** The partitions assigned to this member. */
  readonly partitions: readonly PartitionSnapshot[];
}
