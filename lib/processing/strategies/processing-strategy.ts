import type { Message } from '../../messages/message.js';
import type { Route } from '../../routing/route.js';
import type { PartitionCoordinator } from '../partition-coordinator.js';
import type { PartitionHost } from '../partition-host.js';

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
}
