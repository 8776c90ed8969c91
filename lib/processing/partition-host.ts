import type { KarafkaConfig } from '../config/karafka-config.js';
import type { OffsetCommitter } from '../connection/offset-committer.js';
import type { PartitionRef } from '../instrumentation/karafka-events.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { Producer } from '../producer/producer.js';
import type { TracingHooks } from '../tracing/tracing-hooks.js';

export type { PartitionRef };

/** The parts of kafkajs' eachBatch payload the executor uses. */
export interface BatchControls {
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

/** What a partition's executor, coordinator and strategy need from their consumer group. */
export interface PartitionHost {
  readonly config: KarafkaConfig;
  readonly monitor: Monitor;
  readonly producer: Producer;
  /** Set when tracing is on: the executor runs each `consume` call through it. */
  readonly tracing?: TracingHooks;
  readonly committer: Pick<OffsetCommitter, 'mark' | 'lastMarked' | 'commitOrThrow'>;
  pausePartition(kafkaTopic: string, partition: number): void;
  resumePartition(kafkaTopic: string, partition: number): void;
  seek(kafkaTopic: string, partition: number, offset: string): void;
  /** The group's committed offset of a partition (the next to read), if it has one. */
  committedOffset(kafkaTopic: string, partition: number): Promise<string | undefined>;
}
