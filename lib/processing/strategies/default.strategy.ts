import type { Message } from '../../messages/message.js';
import type { PartitionScope, ProcessingStrategy } from './processing-strategy.js';

/**
 * The default: every message a successful `consume` call got is marked; a failure pauses the
 * partition with backoff and retries from the first unmarked message.
 */
export class DefaultStrategy implements ProcessingStrategy {
  markProcessed(scope: PartitionScope, offset: string): void {
    // After the consumer's own seek() nothing is marked automatically (see PartitionCoordinator).
    if (scope.coordinator.seekedByConsumer) return;
    scope.host.committer.mark(scope.route.kafkaTopic, scope.partition, offset);
  }

  markSkipped(scope: PartitionScope, offset: string): void {
    scope.host.committer.mark(scope.route.kafkaTopic, scope.partition, offset);
  }

  async handleFailure(
    scope: PartitionScope,
    _error: unknown,
    _list: readonly Message[],
    retryFrom: string,
  ): Promise<void> {
    scope.coordinator.backoff(retryFrom);
  }
}
