import type { Kafka, Producer as KafkaJsProducer } from 'kafkajs';
import { karafkaPartitioner } from './partitioner.js';
import { ProducerClosedError } from './producer.error.js';

/** What the connection needs of the producer settings. */
export interface ProducerConnectionSettings {
  readonly idempotent: boolean;
  readonly retries: number;
}

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
    private readonly settings: ProducerConnectionSettings,
    /** Turns a failed connect into an error that says what to fix (SASL, TLS). */
    private readonly explain: (error: unknown) => unknown = (error) => error,
    /** Set for a transactional producer: every send then goes through a transaction. */
    readonly transactionalId?: string,
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

  /**
   * Drops the kafkajs producer (after it was fenced, or a transaction could not be aborted):
   * the next use builds a new one, which takes over its transactional id again.
   */
  async reset(): Promise<void> {
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    await client?.disconnect().catch(() => undefined);
  }

  private async open(): Promise<KafkaJsProducer> {
    const { idempotent, retries } = this.settings;
    const transactionalId = this.transactionalId;
    const client = this.kafka().producer({
      createPartitioner: karafkaPartitioner,
      // A transactional producer sends only inside transactions, which kafkajs makes
      // idempotent itself; its plain idempotent path would only cost an extra InitProducerId.
      idempotent: idempotent && !transactionalId,
      ...(transactionalId !== undefined && { transactionalId }),
      // kafkajs' idempotence holds only with one request in flight per broker.
      ...((idempotent || transactionalId !== undefined) && { maxInFlightRequests: 1 }),
      retry: { retries },
      allowAutoTopicCreation: true,
    });
    try {
      await client.connect();
    } catch (error) {
      throw this.explain(error);
    }
    if (transactionalId !== undefined) {
      // kafkajs claims the transactional id on its first transaction: claim it now, so that
      // connect() fences an older producer with this id and waits for its open transaction.
      const claim = await client.transaction();
      await claim.abort();
    }
    return client;
  }
}
