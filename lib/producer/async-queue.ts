import { AsyncBatch, AsyncDeliveryHandle } from './async-batch.js';
import type { OutgoingMessage } from './outgoing-message.js';
import type { DeliveryHandle } from './producer-message.js';

export interface AsyncQueueOptions {
  /** ms a batch waits for more messages after its first one. */
  lingerMs: number;
  /** Messages per batch: a full batch goes out at once. */
  batchSize: number;
  /** Batches sent at the same time; more wait their turn, in order. */
  maxInFlight: number;
  /** Sends one batch; must settle the batch and never reject. */
  send(batch: AsyncBatch): Promise<void>;
}

/**
 * The background queue of `produceAsync` (one per producer variant). Messages join the current
 * batch; it is sealed when it is full or when `lingerMs` passed since its first message (one
 * timer per batch, none per message), then sent with at most `maxInFlight` batches in flight.
 */
export class AsyncQueue {
  private current?: AsyncBatch;
  private readonly ready: AsyncBatch[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight = 0;
  private inFlightMessages = 0;
  private idle: Array<() => void> = [];
  private readonly onLinger = () => {
    this.timer = undefined;
    this.flush();
  };

  constructor(private readonly options: AsyncQueueOptions) {}

  push(message: OutgoingMessage): DeliveryHandle {
    let batch = this.current;
    if (batch === undefined) {
      batch = this.current = new AsyncBatch();
      this.timer = setTimeout(this.onLinger, this.options.lingerMs);
    }
    batch.messages.push(message);
    if (batch.messages.length >= this.options.batchSize) this.flush();
    return new AsyncDeliveryHandle(batch, message);
  }

  /** Messages queued or in flight: not acknowledged yet. */
  get pending(): number {
    let count = (this.current?.size ?? 0) + this.inFlightMessages;
    for (const batch of this.ready) count += batch.size;
    return count;
  }

  /** Seals the current batch and sends what the in-flight limit allows. */
  flush(): void {
    const batch = this.current;
    if (batch !== undefined) {
      this.current = undefined;
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.ready.push(batch);
    }
    this.pump();
  }

  /** Flushes, then resolves once every batch was sent (or failed). */
  drain(): Promise<void> {
    this.flush();
    if (this.inFlight === 0 && this.ready.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      this.inFlight++;
      this.inFlightMessages += batch.size;
      void this.options.send(batch).finally(() => {
        this.inFlight--;
        this.inFlightMessages -= batch.size;
        this.pump();
        if (this.inFlight === 0 && this.ready.length === 0 && this.current === undefined) {
          const waiters = this.idle;
          this.idle = [];
          for (const resolve of waiters) resolve();
        }
      });
    }
  }
}
