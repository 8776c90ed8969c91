import type { Message } from '../../messages/message.js';
import type { Producer } from '../../producer/producer.js';
import type { PartitionScope, ProcessingStrategy } from './processing-strategy.js';

/**
 * A route with a dead letter topic. A failed call of several messages cannot tell which one is
 * poison: the batch is replayed one message at a time from the retry point to its end (after
 * the usual backoff), its failed call still counted. A message that fails on its own once it
 * has been in `maxRetries + 1` failed calls (the batch's and its own) is moved: produced to the
 * dead letter topic with that count in `karafka_attempts`, marked as skipped, and consuming
 * goes on after it.
 */
export class DeadLetterStrategy implements ProcessingStrategy {
  constructor(
    private readonly offsets: ProcessingStrategy,
    private readonly target: { readonly topic: string; readonly maxRetries: number },
  ) {}

  markProcessed(scope: PartitionScope, offset: string): void {
    this.offsets.markProcessed(scope, offset);
  }

  beforeBatch(scope: PartitionScope, firstOffset: string): Promise<string | undefined> {
    return this.offsets.beforeBatch?.(scope, firstOffset) ?? Promise.resolve(undefined);
  }

  get runCall(): ProcessingStrategy['runCall'] {
    return this.offsets.runCall?.bind(this.offsets);
  }

  seeked(scope: PartitionScope): void {
    this.offsets.seeked?.(scope);
  }

  async release(scope: PartitionScope): Promise<void> {
    await this.offsets.release?.(scope);
  }

  markSkipped(scope: PartitionScope, offset: string): void {
    this.offsets.markSkipped(scope, offset);
  }

  async handleFailure(
    scope: PartitionScope,
    error: unknown,
    list: readonly Message[],
    retryFrom: string,
  ): Promise<void> {
    const { coordinator } = scope;
    const retriesLeft = coordinator.attempt <= this.target.maxRetries;
    if (list.length > 1) {
      // Retrying the whole batch would only add calls to every message of it: find the poison.
      coordinator.collapse(list[list.length - 1]!.offset);
      if (retriesLeft) return this.offsets.handleFailure(scope, error, list, retryFrom);
      // maxRetries: 0 — no backoff, but the message must still fail on its own to be moved.
      coordinator.seekAfterBatch(retryFrom);
      return;
    }
    if (retriesLeft) return this.offsets.handleFailure(scope, error, list, retryFrom);
    const poison = list[0]!;
    if (!(await this.dispatch(scope, poison, error))) {
      return this.offsets.handleFailure(scope, error, list, retryFrom);
    }
    this.markSkipped(scope, poison.offset);
    scope.host.monitor.publish('dead_letter_queue.dispatched', {
      ...coordinator.ref,
      offset: poison.offset,
      deadLetterTopic: this.target.topic,
      attempts: coordinator.attempt,
      error,
    });
    coordinator.succeeded(poison.offset);
    coordinator.processedUpTo(poison.offset);
    coordinator.seekAfterBatch((BigInt(poison.offset) + 1n).toString());
  }

  /**
   * Produces the message to the dead letter topic; on an exactly-once route in a transaction
   * that also commits the skip. Resolves false when that failed (reported).
   */
  private async dispatch(scope: PartitionScope, poison: Message, error: unknown): Promise<boolean> {
    const send = async (producer: Producer) => {
      await producer.produceSync({
        topic: this.target.topic,
        payload: poison.raw,
        key: poison.rawKey,
        headers: deadLetterHeaders(scope, poison, error),
      });
    };
    try {
      if (this.offsets.runCall) await this.offsets.runCall(scope, [poison], send);
      else await send(scope.host.producer);
      return true;
    } catch (dispatchError) {
      scope.host.monitor.publish('error.occurred', {
        type: 'consumer.dead_letter.error',
        error: dispatchError,
        ...scope.coordinator.ref,
        consumer: scope.route.consumerClass.name,
      });
      return false;
    }
  }
}

function deadLetterHeaders(
  scope: PartitionScope,
  message: Message,
  error: unknown,
): Record<string, string | Buffer> {
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(message.rawHeaders)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    ...headers,
    karafka_original_topic: scope.route.topic,
    karafka_original_partition: String(scope.partition),
    karafka_original_offset: message.offset,
    karafka_original_consumer_group: scope.route.groupId,
    karafka_attempts: String(scope.coordinator.attempt),
    karafka_error: reason.slice(0, 1000),
  };
}
