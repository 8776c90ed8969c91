import type { RecordMetadata, TopicMessages } from 'kafkajs';
import { groupByTopic, recordDelivery } from './delivery.js';
import type { OutgoingMessage } from './outgoing-message.js';
import type { DeliveryHandle, DeliveryReport } from './producer-message.js';

const noop = () => undefined;

/**
 * Messages of `produceAsync` that go to Kafka in one `sendBatch`. It settles once; every
 * handle of its messages shares that outcome. Nothing per message is allocated unless someone
 * asks for a report: the shared promise is created on the first `handle.report` access, and
 * offsets are computed on the first report.
 */
export class AsyncBatch {
  readonly messages: OutgoingMessage[] = [];
  private state: 'pending' | 'sent' | 'failed' = 'pending';
  private error: unknown;
  private topicMessages?: TopicMessages[];
  private response?: readonly RecordMetadata[];
  private sentAt = 0;
  private offsetsRecorded = false;
  private settled?: { promise: Promise<void>; resolve(): void; reject(error: unknown): void };

  get size(): number {
    return this.messages.length;
  }

  /** The batch as kafkajs `topicMessages`, one entry per Kafka topic (built once). */
  toTopicMessages(): TopicMessages[] {
    return (this.topicMessages ??= groupByTopic(this.messages));
  }

  succeed(response: readonly RecordMetadata[], sentAt: number): void {
    this.state = 'sent';
    this.response = response;
    this.sentAt = sentAt;
    this.settled?.resolve();
  }

  fail(error: unknown): void {
    this.state = 'failed';
    this.error = error;
    this.settled?.reject(error);
  }

  /** Reports of every message, in the order they were queued (only after `succeed`). */
  reports(): DeliveryReport[] {
    this.recordOffsets();
    return this.messages.map((message) => message.report());
  }

  reportFor(message: OutgoingMessage): Promise<DeliveryReport> {
    const report = this.whenSent().then(() => {
      this.recordOffsets();
      return message.report();
    });
    report.catch(noop);
    return report;
  }

  private whenSent(): Promise<void> {
    if (this.state === 'sent') return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(this.error);
    if (!this.settled) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      promise.catch(noop);
      this.settled = { promise, resolve, reject };
    }
    return this.settled.promise;
  }

  private recordOffsets(): void {
    if (this.offsetsRecorded) return;
    this.offsetsRecorded = true;
    recordDelivery(this.toTopicMessages(), this.response ?? [], this.sentAt);
  }
}

/** What `produceAsync` returns: the report promise is made on first access. */
export class AsyncDeliveryHandle implements DeliveryHandle {
  #report?: Promise<DeliveryReport>;

  constructor(
    private readonly batch: AsyncBatch,
    private readonly message: OutgoingMessage,
  ) {}

  get report(): Promise<DeliveryReport> {
    return (this.#report ??= this.batch.reportFor(this.message));
  }
}
