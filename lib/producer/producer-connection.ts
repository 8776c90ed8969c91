import type { Kafka, Producer as KafkaJsProducer } from 'kafkajs';
import type { ProducerSettings } from '../config/karafka-options.js';
import { karafkaPartitioner } from './partitioner.js';
import { ProducerClosedError } from './producer.error.js';

/**
 * The one kafkajs producer behind a Producer and all its variants: connected lazily on first
 * use, closed once. `closed` turns true as soon as closing starts, so no new message gets in
 * while the pending ones are flushed.
 */
export class ProducerConnection {
  private client?: KafkaJsProducer;
  private connecting?: Promise<KafkaJsProducer>;
  private readonly syncSends = new Set<Promise<unknown>>();
  closed = false;

  constructor(
    private readonly kafka: () => Kafka,
    private readonly settings: Required<ProducerSettings>,
    /** Turns a failed connect into an error that says what to fix (SASL, TLS). */
    private readonly explain: (error: unknown) => unknown = (error) => error,
  ) {}

  assertOpen(): void {
    if (this.closed) throw new ProducerClosedError();
  }

  /** The connected kafkajs producer; the first call connects (a failed connect is retried by the next call). */
  connect(): Promise<KafkaJsProducer> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().then(
      (client) => (this.client = client),
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** Remembers a sync send until it settles, so closing waits for it. */
  track<T>(send: Promise<T>): Promise<T> {
    this.syncSends.add(send);
    const forget = () => this.syncSends.delete(send);
    send.then(forget, forget);
    return send;
  }

  /** Waits for the tracked sync sends, then disconnects (when it ever connected). */
  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.syncSends]);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    await client?.disconnect();
  }

  private async open(): Promise<KafkaJsProducer> {
    const { idempotent, retries } = this.settings;
    const client = this.kafka().producer({
      createPartitioner: karafkaPartitioner,
      idempotent,
      // kafkajs' idempotence holds only with one request in flight per broker.
      ...(idempotent && { maxInFlightRequests: 1 }),
      retry: { retries },
      allowAutoTopicCreation: true,
    });
    try {
      await client.connect();
    } catch (error) {
      throw this.explain(error);
    }
    return client;
  }
}
