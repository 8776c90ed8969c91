import type { Message } from './message.js';

/** Facts about a batch of one partition, none of which parse a payload. */
export interface BatchMetadata {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** Offset after the last message in the partition when the batch was fetched. */
  readonly highWatermark: string;
  /** Messages behind the high watermark after this batch. */
  readonly lag: number;
  readonly receivedAt: Date;
  /** When `consume` was called with this batch. */
  readonly processedAt: Date;
}

/** The messages `consume` gets: a batch of one partition, in offset order. */
export class Messages<T = unknown> implements Iterable<Message<T>> {
  constructor(
    private readonly list: readonly Message<T>[],
    readonly metadata: BatchMetadata,
  ) {}

  get size(): number {
    return this.list.length;
  }

  get first(): Message<T> | undefined {
    return this.list[0];
  }

  get last(): Message<T> | undefined {
    return this.list[this.list.length - 1];
  }

  /** Every payload, deserializing those not yet parsed. Throws on the first that fails. */
  get payloads(): T[] {
    return this.list.map((message) => message.payload);
  }

  /** Iterates the messages in offset order. */
  [Symbol.iterator](): Iterator<Message<T>> {
    return this.list[Symbol.iterator]();
  }

  /** The messages as a new array. */
  toArray(): Message<T>[] {
    return [...this.list];
  }
}
