import type { DeliveryHandle, DeliveryReport } from './producer-message.js';

const noop = () => undefined;

/**
 * `produceAsync` with an async serializer returns at once, like always; the message joins the
 * background queue once its payload is serialized. The lane keeps the call order: while
 * anything waits in it, later messages (even sync-serialized ones) wait behind it, so messages
 * never overtake each other on their way to a partition.
 */
export class SerializationLane {
  private tail?: Promise<void>;
  private waiting = 0;

  /** Messages whose payload is still being serialized. */
  get pending(): number {
    return this.waiting;
  }

  /** Whether a message waits: later ones must queue behind it. */
  get busy(): boolean {
    return this.tail !== undefined;
  }

  /**
   * Calls `ready` with the settled value after everything added before, or `failed` when it
   * rejects. `count` is how many messages it holds (for `pendingAsync`).
   */
  add<T>(
    prepared: T | PromiseLike<T>,
    count: number,
    ready: (value: T) => void,
    failed: (error: unknown) => void,
  ): void {
    this.waiting += count;
    const settled = Promise.resolve(prepared);
    settled.catch(noop);
    const step = (this.tail ?? Promise.resolve())
      .then(() => settled)
      .then(
        (value) => {
          this.waiting -= count;
          ready(value);
        },
        (error: unknown) => {
          this.waiting -= count;
          failed(error);
        },
      );
    this.tail = step;
    void step.then(() => {
      if (this.tail === step) this.tail = undefined;
    });
  }

  /** Resolves once every message added so far left the lane. */
  async drain(): Promise<void> {
    while (this.tail) await this.tail;
  }
}

/** The handle of a message still in the lane: follows the queue's handle once it has one. */
export class LaneDeliveryHandle implements DeliveryHandle {
  readonly report: Promise<DeliveryReport>;
  private resolve!: (report: Promise<DeliveryReport>) => void;
  private reject!: (error: unknown) => void;

  constructor() {
    this.report = new Promise<DeliveryReport>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Ignoring the report never causes an unhandled rejection (as with queued handles).
    this.report.catch(noop);
  }

  follow(handle: DeliveryHandle): void {
    this.resolve(handle.report);
  }

  fail(error: unknown): void {
    this.reject(error);
  }
}
