import { KarafkaError } from '../errors/karafka.error.js';

/** Base of every error the Producer throws or rejects with. */
export class KarafkaProducerError extends KarafkaError {}

/** A produce call after `close()` / application shutdown. */
export class ProducerClosedError extends KarafkaProducerError {
  constructor() {
    super(
      'The producer is closed: it was shut down (close() or application shutdown) and sends ' +
        'nothing more. Produce before the application stops.',
    );
  }
}

/** Where a rejected message sits: its topic and, in a many/flush call, its index. */
export interface MessageLocation {
  topic?: unknown;
  index?: number;
}

/**
 * A message was rejected before anything was sent; in a many/buffer call the whole call is
 * rejected. Subclasses name the problem kind; `reason` says what to fix.
 */
export class InvalidMessageError extends KarafkaProducerError {
  readonly index?: number;
  constructor(
    readonly reason: string,
    location: MessageLocation = {},
  ) {
    const where = [
      location.index !== undefined ? `at index ${location.index}` : '',
      typeof location.topic === 'string' && location.topic ? `to "${location.topic}"` : '',
    ]
      .filter(Boolean)
      .join(' ');
    super(`Invalid message${where ? ` ${where}` : ''}: ${reason}`);
    this.index = location.index;
  }
}

export class InvalidTopicError extends InvalidMessageError {}
export class MissingPayloadError extends InvalidMessageError {}
export class PayloadSerializationError extends InvalidMessageError {}
export class InvalidKeyError extends InvalidMessageError {}
export class InvalidHeadersError extends InvalidMessageError {}
export class InvalidPartitionError extends InvalidMessageError {}
export class PartitionConflictError extends InvalidMessageError {}
export class InvalidTimestampError extends InvalidMessageError {}

/** The payload is larger than `producer.maxPayloadSize`. */
export class PayloadTooLargeError extends InvalidMessageError {
  constructor(
    readonly size: number,
    readonly limit: number,
    location: MessageLocation = {},
  ) {
    super(
      `payload is ${size} bytes, over the limit of ${limit} bytes (producer.maxPayloadSize); ` +
        `send a smaller payload or raise producer.maxPayloadSize (and the topic's max.message.bytes)`,
      location,
    );
  }
}

/** `producer.with(...)` got settings it cannot use. */
export class InvalidProducerOptionsError extends KarafkaProducerError {}

/** Kafka did not take the messages (after the client's retries). `cause` holds the driver error. */
export class DeliveryFailedError extends KarafkaProducerError {
  constructor(
    readonly topics: readonly string[],
    readonly count: number,
    cause: unknown,
  ) {
    super(
      `Delivery of ${count} message${count === 1 ? '' : 's'} to ${topics.map((t) => `"${t}"`).join(', ')} ` +
        `failed: ${kafkaErrorType(cause)}${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** `producer.transaction()` on a producer without `producer.transactionalId`. */
export class NotTransactionalError extends KarafkaProducerError {
  constructor() {
    super(
      'producer.transaction() needs a transactional producer: set producer.transactionalId ' +
        '(a name unique to this producer instance) in KarafkaModule.forRoot().',
    );
  }
}

/**
 * Another producer with the same transactional id took over (a newer instance, or the new
 * owner of a partition after a rebalance): this one may not commit. Its transaction was
 * aborted; the producer is rebuilt on its next use.
 */
export class ProducerFencedError extends KarafkaProducerError {
  constructor(
    readonly transactionalId: string,
    cause: unknown,
  ) {
    super(
      `The transactional producer "${transactionalId}" was fenced: another producer with the ` +
        'same transactionalId started since, so this transaction was aborted. Give every running ' +
        'instance its own producer.transactionalId.',
      { cause },
    );
  }
}

/** Kafka did not take a transaction's commit or abort. `cause` holds the driver error. */
export class TransactionFailedError extends KarafkaProducerError {
  constructor(
    readonly transactionalId: string,
    readonly step: 'begin' | 'send offsets' | 'commit' | 'abort',
    cause: unknown,
  ) {
    super(
      `Transaction of "${transactionalId}" failed to ${step}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}; it was aborted, nothing of it is visible to read_committed readers.`,
      { cause },
    );
  }
}

/**
 * Kafka's error code name (e.g. `NOT_ENOUGH_REPLICAS: `) from a kafkajs protocol error, also when
 * wrapped by its retrier, so users can look the cause up; '' when there is none.
 */
function kafkaErrorType(cause: unknown): string {
  for (let error = cause, depth = 0; error instanceof Error && depth < 3; depth++) {
    const type = (error as { type?: unknown }).type;
    if (typeof type === 'string') return `${type}: `;
    error =
      (error as { cause?: unknown; originalError?: unknown }).cause ??
      (error as { originalError?: unknown }).originalError;
  }
  return '';
}
