import { AsyncLocalStorage } from 'node:async_hooks';
import type { RecordMetadata, TopicMessages, Transaction as KafkaJsTransaction } from 'kafkajs';
import type { Monitor } from '../instrumentation/monitor.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import { isThenable } from '../utils/thenable.js';
import { AsyncBatch, AsyncDeliveryHandle } from './async-batch.js';
import type { OutgoingMessage } from './outgoing-message.js';
import type { ProducerConnection } from './producer-connection.js';
import {
  KarafkaProducerError,
  ProducerFencedError,
  TransactionFailedError,
} from './producer.error.js';
import type { DeliveryHandle } from './producer-message.js';
import { LaneDeliveryHandle, SerializationLane } from './serialization-lane.js';
import type { TransactionOffsets } from './transaction.js';

/** The transaction a callback runs in: sends and offsets go through it. */
export class ActiveTransaction {
  /** `produceAsync` inside the transaction: sent right before the commit. */
  readonly deferred = new AsyncBatch();
  /** Held messages whose async serializer has not finished: the commit waits for them. */
  private readonly lane = new SerializationLane();
  /** A held message that could not be serialized: the transaction must not commit without it. */
  private serializationFailure?: { error: unknown };

  constructor(
    private readonly kafka: KafkaJsTransaction,
    private readonly topicMapper: TopicMapper,
  ) {}

  send(topicMessages: TopicMessages[], compression: number): Promise<RecordMetadata[]> {
    // Transactions need every in-sync replica: acks is always -1 here.
    return this.kafka.sendBatch({ topicMessages, acks: -1, compression });
  }

  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    await this.kafka.sendOffsets({
      consumerGroupId: offsets.consumerGroupId,
      topics: offsets.topics.map(({ topic, partitions }) => ({
        topic: this.topicMapper.outgoing(topic),
        partitions,
      })),
    });
  }

  /**
   * Holds async sends for the commit, in call order. `ready` runs once they are serialized;
   * a serialization failure fails their handles and, at commit, the whole transaction.
   */
  hold(
    prepared: OutgoingMessage[] | PromiseLike<OutgoingMessage[]>,
    count: number,
    ready: (messages: OutgoingMessage[]) => void,
  ): DeliveryHandle[] {
    if (!isThenable(prepared) && !this.lane.busy) {
      ready(prepared);
      return prepared.map((message) => this.defer(message));
    }
    const handles = Array.from({ length: count }, () => new LaneDeliveryHandle());
    this.lane.add(
      prepared,
      count,
      (messages) => {
        messages.forEach((message, i) => handles[i]!.follow(this.defer(message)));
        ready(messages);
      },
      (error) => {
        this.serializationFailure ??= { error };
        for (const handle of handles) handle.fail(error);
      },
    );
    return handles;
  }

  /** Sends what `produceAsync` held back, then commits. */
  async commit(compression: number): Promise<void> {
    await this.lane.drain();
    if (this.serializationFailure) throw this.serializationFailure.error;
    if (this.deferred.size) {
      const sentAt = Date.now();
      this.deferred.succeed(await this.send(this.deferred.toTopicMessages(), compression), sentAt);
    }
    await this.kafka.commit();
  }

  /** Tracing: the held messages' publish spans end with the transaction. */
  settled(error?: unknown): void {
    for (const message of this.deferred.messages) message.settled(error);
  }

  private defer(message: OutgoingMessage): DeliveryHandle {
    this.deferred.messages.push(message);
    return new AsyncDeliveryHandle(this.deferred, message);
  }

  /** Aborts when still open; resolves false when Kafka did not take the abort. */
  async abort(): Promise<boolean> {
    if (!this.kafka.isActive()) return true;
    try {
      await this.kafka.abort();
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Runs the transactions of one transactional kafkajs producer. kafkajs allows one open
 * transaction per producer, so top-level transactions take turns; a transaction started while
 * one is running in the same async context joins it (nested `transaction()` calls and every
 * send of the producer inside the callback). A fenced producer (another one with the same
 * transactional id started) is dropped and rebuilt on next use.
 */
export class TransactionRunner {
  private readonly context = new AsyncLocalStorage<ActiveTransaction>();
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    readonly transactionalId: string,
    private readonly connection: ProducerConnection,
    private readonly monitor: Monitor,
    private readonly topicMapper: TopicMapper,
    private readonly compression: number,
  ) {}

  /** The transaction of the calling async context, if any. */
  current(): ActiveTransaction | undefined {
    return this.context.getStore();
  }

  /** Runs `work` in a transaction: the current one, or a new one committed when `work` resolves. */
  run<T>(work: (active: ActiveTransaction) => Promise<T>): Promise<T> {
    const current = this.current();
    if (current) return work(current);
    const run = this.turn.then(() => this.runAlone(work));
    this.turn = run.catch(() => undefined);
    return this.connection.track(run);
  }

  private async runAlone<T>(work: (active: ActiveTransaction) => Promise<T>): Promise<T> {
    const { monitor, transactionalId } = this;
    let active: ActiveTransaction;
    try {
      const client = await this.connection.connect();
      active = new ActiveTransaction(await client.transaction(), this.topicMapper);
    } catch (error) {
      throw await this.failed(error, 'begin');
    }
    const started = performance.now();
    monitor.publish('transaction.started', { transactionalId });
    let result: T;
    let step: 'work' | 'commit' = 'work';
    try {
      result = await this.context.run(active, () => work(active));
      step = 'commit';
      await active.commit(this.compression);
    } catch (error) {
      const failure = step === 'commit' || isFenced(error) ? await this.failed(error, step) : error;
      if (!isFenced(error) && !(await active.abort())) await this.connection.reset();
      active.deferred.fail(failure);
      active.settled(failure);
      monitor.publish(
        'transaction.aborted',
        { transactionalId, error: failure },
        performance.now() - started,
      );
      throw failure;
    }
    active.settled();
    monitor.publish('transaction.committed', { transactionalId }, performance.now() - started);
    return result;
  }

  /** A driver failure as the error users see; a fenced producer is dropped for a new one. */
  private async failed(error: unknown, step: 'begin' | 'work' | 'commit'): Promise<unknown> {
    if (isFenced(error)) {
      await this.connection.reset();
      return new ProducerFencedError(this.transactionalId, error);
    }
    if (error instanceof KarafkaProducerError) return error;
    return new TransactionFailedError(
      this.transactionalId,
      step === 'begin' ? 'begin' : 'commit',
      error,
    );
  }
}

const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);
/** Kafka's codes: 47 INVALID_PRODUCER_EPOCH, 90 PRODUCER_FENCED (unknown to kafkajs 2.2). */
const FENCED_CODES = new Set([47, 90]);

/** Whether a (possibly wrapped) driver error says another producer took the transactional id. */
export function isFenced(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    if (e instanceof ProducerFencedError) return true;
    const { type, code } = e as { type?: unknown; code?: unknown };
    if ((typeof type === 'string' && FENCED.has(type)) || FENCED_CODES.has(code as number)) {
      return true;
    }
    const next = e as { cause?: unknown; originalError?: unknown };
    e = next.cause ?? next.originalError;
  }
  return false;
}
