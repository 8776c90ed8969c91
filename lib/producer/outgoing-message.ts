import type { IHeaders, Message as KafkaJsMessage } from 'kafkajs';
import type { DeliveryReport } from './producer-message.js';

/**
 * A validated, serialized message, handed to kafkajs as it is. kafkajs copies the own fields
 * (`{ ...message }`) of every message it encodes, so only the five it reads are own fields;
 * what the partitioner and the delivery report need lives in private fields, which are not
 * copied. One fixed shape, built once per message.
 */
export class OutgoingMessage implements KafkaJsMessage {
  /** Set by the partitioner when kafkajs assigns the message (explicit, key, partitionKey or round-robin). */
  partition: number | undefined;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  /** Replaced (never mutated) by tracing to carry the trace context; the user's object stays as it was. */
  headers: IHeaders | undefined;
  readonly timestamp: string | undefined;
  readonly #routeTopic: string;
  readonly #kafkaTopic: string;
  readonly #partitionKey: string | undefined;
  #offset = '-1';
  #deliveredAt = '-1';
  #endSpan: ((error?: unknown) => void) | undefined;

  constructor(
    routeTopic: string,
    kafkaTopic: string,
    key: string | Buffer | null,
    value: string | Buffer | null,
    headers: IHeaders | undefined,
    timestamp: string | undefined,
    partition: number | undefined,
    partitionKey: string | undefined,
  ) {
    this.partition = partition;
    this.key = key;
    this.value = value;
    this.headers = headers;
    this.timestamp = timestamp;
    this.#routeTopic = routeTopic;
    this.#kafkaTopic = kafkaTopic;
    this.#partitionKey = partitionKey;
  }

  /** Topic as the user gave it. */
  get routeTopic(): string {
    return this.#routeTopic;
  }

  /** Topic in Kafka (the topic mapper's `outgoing`). */
  get kafkaTopic(): string {
    return this.#kafkaTopic;
  }

  get partitionKey(): string | undefined {
    return this.#partitionKey;
  }

  /** Records where the broker put it (offset `'-1'` when unknown, e.g. `acks: 0`). */
  delivered(offset: string, timestamp: string): void {
    this.#offset = offset;
    this.#deliveredAt = timestamp;
  }

  /** Tracing: what ends this message's publish span once its delivery settled. */
  traced(end: ((error?: unknown) => void) | undefined): void {
    this.#endSpan = end;
  }

  /** Ends the publish span, if traced (once). */
  settled(error?: unknown): void {
    const end = this.#endSpan;
    if (!end) return;
    this.#endSpan = undefined;
    end(error);
  }

  report(): DeliveryReport {
    const report: DeliveryReport = {
      topic: this.#routeTopic,
      partition: this.partition ?? -1,
      offset: this.#offset,
      timestamp: this.#deliveredAt,
    };
    if (this.#kafkaTopic !== this.#routeTopic) report.kafkaTopic = this.#kafkaTopic;
    return report;
  }
}
