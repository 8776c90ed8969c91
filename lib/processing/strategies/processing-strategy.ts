import type { Message } from '../../messages/message.js';
import type { Route } from '../../routing/route.js';
import type { PartitionCoordinator } from '../partition-coordinator.js';
import type { PartitionHost } from '../partition-host.js';
import type { Producer } from '../../producer/producer.js';

/** One topic-partition as a strategy sees it. */
export interface PartitionScope {
  readonly route: Route;
  readonly partition: number;
  readonly host: PartitionHost;
  readonly coordinator: PartitionCoordinator;
}

/**
 * What happens after a `consume` call, picked once per route from its options (see
 * `selectStrategy`). Every automatic mark of an offset goes through `markProcessed` or
 * `markSkipped`: "when is an offset marked" lives here and nowhere else. Committing the marks
 * (interval, threshold, revoke, shutdown) is the OffsetCommitter's job.
 */
export interface ProcessingStrategy {
  /**
   * The successful calls of a fetched batch ended at `offset`: once per batch (or before a
   * retry of a later message of it), never per message.
   */
  markProcessed(scope: PartitionScope, offset: string): void;

  /** `offset` will not be processed again (it went to the dead letter topic). */
  markSkipped(scope: PartitionScope, offset: string): void;

  /**
   * A `consume` call of `list` failed (the coordinator already counted the attempt).
   * `retryFrom` is the first unmarked offset. Decides how and when it is retried.
   */
  handleFailure(
    scope: PartitionScope,
    error: unknown,
    list: readonly Message[],
    retryFrom: string,
  ): Promise<void>;

  /**
   * Before the messages of a fetched batch are processed. Resolves an offset to continue at
   * instead (the batch is then dropped and fetched again from there), or undefined to go on.
   * A rejection counts as a failed call of the batch. Optional: most strategies need nothing.
   */
  beforeBatch?(scope: PartitionScope, firstOffset: string): Promise<string | undefined>;

  /**
   * Runs `work` — a `consume` call with its responses, or a dead letter dispatch — that
   * consumes `list`, so that what it sends through the given producer and the consumption of
   * `list` take effect together (exactly-once: one transaction). Without it the work runs
   * with the host's producer and offsets are marked afterwards.
   */
  runCall?(
    scope: PartitionScope,
    list: readonly Message[],
    work: (producer: Producer) => Promise<void>,
  ): Promise<void>;

  /** The partition was seeked from outside a call (a web UI command): the position is on purpose. */
  seeked?(scope: PartitionScope): void;

  /** The partition's executor is dropped (revoked, shut down): free what was kept for it. */
  release?(scope: PartitionScope): Promise<void>;
}
