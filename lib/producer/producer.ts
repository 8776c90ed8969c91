import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka, RecordMetadata, TopicMessages } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { KafkaClientFactory } from '../connection/kafka-client.factory.js';
import type { KarafkaErrorType, ProducedMessageInfo } from '../instrumentation/karafka-events.js';
import { Monitor } from '../instrumentation/monitor.js';
import { KARAFKA_CONFIG, KARAFKA_SERIALIZER, KARAFKA_TRACING } from '../karafka.constants.js';
import { TopicMapper } from '../mapping/topic-mapper.js';
import type { Serializer } from '../serialization/serialization.interfaces.js';
import type { TracingHooks } from '../tracing/tracing-hooks.js';
import type { AsyncBatch } from './async-batch.js';
import { AsyncQueue } from './async-queue.js';
import { groupByTopic, recordDelivery } from './delivery.js';
import { MessagePreparer } from './message-preparer.js';
import { ProducerMiddlewareChain } from './middleware.js';
import type { OutgoingMessage } from './outgoing-message.js';
import { ProducerConnection } from './producer-connection.js';
import { LaneDeliveryHandle, SerializationLane } from './serialization-lane.js';
import { isThenable } from '../utils/thenable.js';
import type {
  DeliveryHandle,
  DeliveryReport,
  ProducerMessage,
  ProducerVariantOptions,
} from './producer-message.js';
import { sendSettings, type SendSettings } from './producer-settings.js';
import {
  DeliveryFailedError,
  KarafkaProducerError,
  NotTransactionalError,
} from './producer.error.js';
import type { Transaction } from './transaction.js';
import { TransactionRunner, type ActiveTransaction } from './transaction-runner.js';

/**
 * kafkajs groups each request's messages per partition with a copy per message (quadratic in
 * the messages of one partition): past about a thousand messages per request that costs more
 * than it saves, so background batches are capped here whatever `batchSize` says.
 */
const MAX_MESSAGES_PER_REQUEST = 1_000;
/** Background batches in flight at once per variant (1 when idempotent, to keep its guarantees). */
const MAX_IN_FLIGHT = 5;

/** What a producer is built from; `transactional(id)` builds its forks from the same parts. */
interface ProducerParts {
  readonly kafka: () => Kafka;
  /** Turns a failed connect into an error that says what to fix (SASL, TLS). */
  readonly explain: (error: unknown) => unknown;
  readonly topicMapper: TopicMapper;
  readonly preparer: MessagePreparer;
  readonly middleware: ProducerMiddlewareChain;
  readonly monitor: Monitor;
  readonly config: KarafkaConfig['producer'];
  /** Set when tracing is on: every message gets a publish span and carries its context. */
  readonly tracing?: TracingHooks;
}

/** What the Producer and its variants share: one connection, middleware, validation, monitor. */
interface SharedState extends ProducerParts {
  readonly connection: ProducerConnection;
  /** Set when the connection is transactional. */
  readonly transactions?: TransactionRunner;
  readonly variants: Map<string, Producer>;
  /** Transactional producers made with `transactional(id)`: closed with this one. */
  readonly transactionalForks: Set<Producer>;
  /** A fork leaves its parent's set once closed. */
  onClosed?: () => void;
  closing?: Promise<void>;
}

/**
 * The WaterDrop-style producer. Inject it anywhere (`constructor(private producer: Producer)`).
 *
 * - `produceSync` / `produceManySync` resolve once the broker acknowledged (acks from config).
 * - `produceAsync` / `produceManyAsync` return at once; messages go out in background batches
 *   (`lingerMs` / `batchSize`), delivery errors go to the monitor (`error.occurred`).
 * - `buffer` / `bufferMany` collect; `flushSync` / `flushAsync` send what was collected.
 * - Every message is validated before anything is sent: an invalid one rejects the whole call.
 * - `with({ acks, compression })` gives a variant on the same connection.
 *
 * It connects on first use and, on application shutdown, sends what is pending, then
 * disconnects; afterwards every produce call fails with ProducerClosedError.
 */
@Injectable()
export class Producer implements OnApplicationShutdown {
  private shared!: SharedState;
  private settings!: SendSettings;
  private queue!: AsyncQueue;
  private buffered!: Array<OutgoingMessage | Promise<OutgoingMessage>>;
  private lane!: SerializationLane;

  constructor(
    @Inject(KARAFKA_CONFIG) config: KarafkaConfig,
    monitor: Monitor,
    topicMapper: TopicMapper,
    @Inject(KARAFKA_SERIALIZER) serializer: Serializer,
    clientFactory: KafkaClientFactory,
    @Optional() @Inject(KARAFKA_TRACING) tracing?: TracingHooks,
  ) {
    const producerConfig = config.producer;
    const middleware = new ProducerMiddlewareChain();
    const parts: ProducerParts = {
      kafka: () => clientFactory.create('producer'),
      explain: (error) => clientFactory.explainFailure(error, 'The producer'),
      topicMapper,
      preparer: new MessagePreparer(
        middleware,
        topicMapper,
        serializer,
        producerConfig.maxPayloadSize,
      ),
      middleware,
      monitor,
      config: producerConfig,
      tracing,
    };
    this.attach(
      sharedState(parts, producerConfig.transactionalId),
      producerConfig.transactionalId !== undefined
        ? transactionalSettings(producerConfig)
        : sendSettings(producerConfig, {}, producerConfig.idempotent),
    );
  }

  /**
   * The transactional id (`producer.transactionalId`, or `transactional(id)`) when this producer
   * is transactional: its sends then go through transactions.
   */
  get transactionalId(): string | undefined {
    return this.shared.transactions?.transactionalId;
  }

  /** Whether the calling code runs inside a transaction of this producer. */
  get inTransaction(): boolean {
    return this.shared.transactions?.current() !== undefined;
  }

  /**
   * Runs `work` in a Kafka transaction (WaterDrop's `transaction`): everything it sends — through
   * `tx` or through this producer — and the offsets given to `tx.sendOffsets` become visible to
   * `read_committed` readers together when `work` resolves, or not at all when it throws (the
   * transaction is aborted and the error rethrown). A call inside a running transaction joins
   * it. Transactions of one producer take turns. Needs `producer.transactionalId`.
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T> | T): Promise<T> {
    this.shared.connection.assertOpen();
    const transactions = this.shared.transactions;
    if (!transactions) throw new NotTransactionalError();
    return transactions.run(async (active) =>
      work({
        produceSync: (message) => this.produceSync(message),
        produceManySync: (messages) => this.produceManySync(messages),
        produceAsync: (message) => this.produceAsync(message),
        produceManyAsync: (messages) => this.produceManyAsync(messages),
        sendOffsets: (offsets) => active.sendOffsets(offsets),
      }),
    );
  }

  /**
   * A transactional producer with its own kafkajs producer and this one's middleware, topic
   * mapper, serializer, tracing and monitor; closed with this one (or on its own `close()`).
   * Exactly-once routes use one per input partition; apps may use it for a
   * consume-transform-produce loop of their own. Ids must be unique per running instance: a
   * newer producer fences an older one.
   */
  transactional(transactionalId: string): Producer {
    this.shared.connection.assertOpen();
    const fork = Object.create(Producer.prototype) as Producer;
    const shared = sharedState(this.shared, transactionalId);
    const forks = this.shared.transactionalForks;
    shared.onClosed = () => forks.delete(fork);
    fork.attach(shared, transactionalSettings(this.shared.config));
    forks.add(fork);
    return fork;
  }

  /** Message transformations run before validation: `producer.middleware.append(fn)`. */
  get middleware(): ProducerMiddlewareChain {
    return this.shared.middleware;
  }

  /** acks this producer (variant) sends with. */
  get acks(): SendSettings['acks'] {
    return this.settings.acks;
  }

  get compression(): SendSettings['compression'] {
    return this.settings.compression;
  }

  /** Messages collected with `buffer` and not flushed yet. */
  get bufferSize(): number {
    return this.buffered.length;
  }

  /** Messages of `produceAsync` not acknowledged yet (being serialized, queued or in flight). */
  get pendingAsync(): number {
    return this.queue.pending + this.lane.pending;
  }

  /** Whether the producer was closed (or is closing): it accepts no more messages. */
  get closed(): boolean {
    return this.shared.connection.closed;
  }

  /** Connects now instead of on the first message. */
  async connect(): Promise<void> {
    this.shared.connection.assertOpen();
    await this.shared.connection.connect();
  }

  /** Sends one message; resolves with its report once the broker acknowledged it. */
  async produceSync(message: ProducerMessage): Promise<DeliveryReport> {
    this.shared.connection.assertOpen();
    const outgoing = await this.traced(this.shared.preparer.prepare(message));
    const started = performance.now();
    const [report] = await this.sendNow([outgoing], 'producer.produce_sync.error');
    const { monitor } = this.shared;
    if (monitor.hasListeners('message.produced_sync')) {
      monitor.publish(
        'message.produced_sync',
        { message: info(outgoing), report: report! },
        performance.now() - started,
      );
    }
    return report!;
  }

  /** Sends messages (to any topics) in one request; all are validated before any is sent. */
  async produceManySync(messages: readonly ProducerMessage[]): Promise<DeliveryReport[]> {
    this.shared.connection.assertOpen();
    const outgoing = await this.tracedMany(this.shared.preparer.prepareMany(messages));
    if (outgoing.length === 0) return [];
    const started = performance.now();
    const reports = await this.sendNow(outgoing, 'producer.produce_sync.error');
    const { monitor } = this.shared;
    if (monitor.hasListeners('messages.produced_sync')) {
      monitor.publish(
        'messages.produced_sync',
        { messages: outgoing.map(info), reports },
        performance.now() - started,
      );
    }
    return reports;
  }

  /**
   * Queues a message and returns at once; it is sent with the next background batch.
   * Throws (synchronously) when the message is invalid or the producer is closed. With an
   * async serializer it still returns at once: a serialization failure then rejects the
   * handle's report and is published as `error.occurred` (`producer.produce_async.error`).
   */
  produceAsync(message: ProducerMessage): DeliveryHandle {
    this.shared.connection.assertOpen();
    const outgoing = this.traced(this.shared.preparer.prepare(message));
    const active = this.shared.transactions?.current();
    if (active) {
      const single = isThenable(outgoing) ? outgoing.then((ready) => [ready]) : [outgoing];
      return this.hold(active, single, 1, 'message.produced_async')[0]!;
    }
    if (isThenable(outgoing) || this.lane.busy) {
      const handle = new LaneDeliveryHandle();
      this.lane.add(
        outgoing,
        1,
        (ready) => handle.follow(this.enqueueAsync([ready], 'message.produced_async')[0]!),
        (error) => {
          handle.fail(error);
          this.serializationFailed(error, message.topic);
        },
      );
      return handle;
    }
    return this.enqueueAsync([outgoing], 'message.produced_async')[0]!;
  }

  /** Queues messages (all validated first); returns one handle per message, in order. */
  produceManyAsync(messages: readonly ProducerMessage[]): DeliveryHandle[] {
    this.shared.connection.assertOpen();
    const outgoing = this.tracedMany(this.shared.preparer.prepareMany(messages));
    const active = this.shared.transactions?.current();
    if (active) return this.hold(active, outgoing, messages.length, 'messages.produced_async');
    if (isThenable(outgoing) || this.lane.busy) {
      const handles = messages.map(() => new LaneDeliveryHandle());
      this.lane.add(
        outgoing,
        handles.length,
        (ready) =>
          this.enqueueAsync(ready, 'messages.produced_async').forEach((queued, i) =>
            handles[i]!.follow(queued),
          ),
        (error) => {
          for (const handle of handles) handle.fail(error);
          this.serializationFailed(error);
        },
      );
      return handles;
    }
    return this.enqueueAsync(outgoing, 'messages.produced_async');
  }

  /**
   * Validates and collects a message without sending it. Returns how many are buffered. With
   * an async serializer its serialization failure surfaces when the buffer is flushed.
   */
  buffer(message: ProducerMessage): number {
    this.shared.connection.assertOpen();
    this.buffered.push(pendingSafe(this.traced(this.shared.preparer.prepare(message))));
    return this.buffered.length;
  }

  /** Validates and collects messages (all or none). Returns how many are buffered. */
  bufferMany(messages: readonly ProducerMessage[]): number {
    this.shared.connection.assertOpen();
    const outgoing = this.tracedMany(this.shared.preparer.prepareMany(messages));
    if (isThenable(outgoing)) {
      // Keeps the all-or-nothing rule: one failure fails every message of the call at flush.
      for (let i = 0; i < messages.length; i++) {
        this.buffered.push(pendingSafe(outgoing.then((list) => list[i]!)));
      }
    } else {
      for (const message of outgoing) this.buffered.push(message);
    }
    return this.buffered.length;
  }

  /**
   * Sends the buffered messages in one request and resolves with their reports. The buffer is
   * emptied first: on failure the messages are not kept (the error says which topics failed).
   */
  async flushSync(): Promise<DeliveryReport[]> {
    this.shared.connection.assertOpen();
    const messages = await settleAll(this.takeBuffer());
    if (messages.length === 0) return [];
    const started = performance.now();
    const reports = await this.sendNow(messages, 'producer.flush.error');
    const { monitor } = this.shared;
    if (monitor.hasListeners('buffer.flushed_sync')) {
      monitor.publish(
        'buffer.flushed_sync',
        { messages: messages.map(info) },
        performance.now() - started,
      );
    }
    return reports;
  }

  /** Hands the buffered messages to the background queue; returns their handles. */
  flushAsync(): DeliveryHandle[] {
    this.shared.connection.assertOpen();
    const taken = this.takeBuffer();
    const active = this.shared.transactions?.current();
    if (active) return this.hold(active, settleAll(taken), taken.length, 'buffer.flushed_async');
    if (this.lane.busy || taken.some(isThenable)) {
      const handles = taken.map(() => new LaneDeliveryHandle());
      this.lane.add(
        settleAll(taken),
        handles.length,
        (ready) => {
          this.enqueue(ready).forEach((queued, i) => handles[i]!.follow(queued));
          this.publishFlushedAsync(ready);
        },
        (error) => {
          for (const handle of handles) handle.fail(error);
          this.serializationFailed(error);
        },
      );
      return handles;
    }
    const messages = taken as OutgoingMessage[];
    const handles = this.enqueue(messages);
    const { monitor } = this.shared;
    if (messages.length && monitor.hasListeners('buffer.flushed_async')) {
      monitor.publish('buffer.flushed_async', { messages: messages.map(info) });
    }
    return handles;
  }

  /**
   * A variant sending with other acks/compression, on the same connection, middleware and
   * lifecycle (closing one closes all). Same settings give the same variant, with its own
   * buffer and background queue.
   */
  with(options: ProducerVariantOptions): Producer {
    const settings = sendSettings(
      this.settings,
      options,
      this.shared.config.idempotent || this.shared.transactions !== undefined,
    );
    const existing = this.shared.variants.get(settings.key);
    if (existing) return existing;
    const variant = Object.create(Producer.prototype) as Producer;
    variant.attach(this.shared, settings);
    return variant;
  }

  /**
   * Sends everything pending (background batches and buffers of every variant), waits for
   * sync sends in flight, then disconnects. Idempotent: later calls return the same promise.
   */
  close(): Promise<void> {
    return (this.shared.closing ??= this.shutdown());
  }

  /** Nest calls it on `app.close()` (and on signals with `enableShutdownHooks()`). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private attach(shared: SharedState, settings: SendSettings): void {
    this.shared = shared;
    this.settings = settings;
    this.buffered = [];
    this.lane = new SerializationLane();
    this.queue = new AsyncQueue({
      lingerMs: shared.config.lingerMs,
      batchSize: Math.min(shared.config.batchSize, MAX_MESSAGES_PER_REQUEST),
      maxInFlight: shared.config.idempotent || shared.transactions ? 1 : MAX_IN_FLIGHT,
      send: (batch) => this.sendBatch(batch),
    });
    shared.variants.set(settings.key, this);
  }

  /**
   * Tracing on: the message's publish span starts where the app produced it (its context is the
   * parent). A message whose serializer is async is traced once serialized, in the same async
   * context (OpenTelemetry's context follows the promise).
   */
  private traced(
    message: OutgoingMessage | Promise<OutgoingMessage>,
  ): OutgoingMessage | Promise<OutgoingMessage> {
    if (!this.shared.tracing) return message;
    return isThenable(message) ? message.then((ready) => this.trace(ready)) : this.trace(message);
  }

  private tracedMany(
    messages: OutgoingMessage[] | Promise<OutgoingMessage[]>,
  ): OutgoingMessage[] | Promise<OutgoingMessage[]> {
    if (!this.shared.tracing) return messages;
    const traceAll = (ready: OutgoingMessage[]) => {
      for (const message of ready) this.trace(message);
      return ready;
    };
    return isThenable(messages) ? messages.then(traceAll) : traceAll(messages);
  }

  private trace(message: OutgoingMessage): OutgoingMessage {
    const tracing = this.shared.tracing;
    if (tracing) message.traced(tracing.startPublish(message));
    return message;
  }

  private takeBuffer(): Array<OutgoingMessage | Promise<OutgoingMessage>> {
    const messages = this.buffered;
    this.buffered = [];
    return messages;
  }

  /** Queues prepared messages and publishes the produced_async event. */
  private enqueueAsync(
    outgoing: readonly OutgoingMessage[],
    event: 'message.produced_async' | 'messages.produced_async',
  ): DeliveryHandle[] {
    const handles = this.enqueue(outgoing);
    const { monitor } = this.shared;
    if (outgoing.length && monitor.hasListeners(event)) {
      if (event === 'message.produced_async') {
        monitor.publish(event, { message: info(outgoing[0]!) });
      } else {
        monitor.publish(event, { messages: outgoing.map(info) });
      }
    }
    return handles;
  }

  private publishFlushedAsync(messages: readonly OutgoingMessage[]): void {
    const { monitor } = this.shared;
    if (messages.length && monitor.hasListeners('buffer.flushed_async')) {
      monitor.publish('buffer.flushed_async', { messages: messages.map(info) });
    }
  }

  /**
   * Async sends inside a transaction are held for its commit (in call order, also when their
   * serializer is async); the event is published once they are serialized.
   */
  private hold(
    active: ActiveTransaction,
    outgoing: OutgoingMessage[] | PromiseLike<OutgoingMessage[]>,
    count: number,
    event: 'message.produced_async' | 'messages.produced_async' | 'buffer.flushed_async',
  ): DeliveryHandle[] {
    return active.hold(outgoing, count, (ready) => {
      const { monitor } = this.shared;
      if (!ready.length || !monitor.hasListeners(event)) return;
      if (event === 'message.produced_async') {
        monitor.publish(event, { message: info(ready[0]!) });
      } else {
        monitor.publish(event, { messages: ready.map(info) });
      }
    });
  }

  /** An async serializer failed after `produceAsync` returned: nobody else would hear of it. */
  private serializationFailed(error: unknown, topic?: unknown): void {
    this.shared.monitor.publish('error.occurred', {
      type: 'producer.produce_async.error',
      error,
      ...(typeof topic === 'string' ? { topic } : {}),
    });
  }

  private enqueue(messages: readonly OutgoingMessage[]): DeliveryHandle[] {
    const handles = new Array<DeliveryHandle>(messages.length);
    for (let i = 0; i < messages.length; i++) handles[i] = this.queue.push(messages[i]!);
    return handles;
  }

  /**
   * One sendBatch. A transactional producer sends inside the caller's transaction, or in a
   * transaction of its own (WaterDrop does the same for sends outside `transaction`).
   */
  private send(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    const { transactions, connection } = this.shared;
    const { acks, codec } = this.settings;
    if (transactions) return transactions.run((active) => active.send(topicMessages, codec));
    return connection
      .connect()
      .then((client) => client.sendBatch({ topicMessages, acks, compression: codec }));
  }

  /** One request for all the messages; reports in the order given. */
  private async sendNow(
    messages: OutgoingMessage[],
    errorType: KarafkaErrorType,
  ): Promise<DeliveryReport[]> {
    const topicMessages = groupByTopic(messages);
    const { connection, monitor } = this.shared;
    const sentAt = Date.now();
    const started = performance.now();
    let response: RecordMetadata[];
    try {
      response = await connection.track(this.send(topicMessages));
    } catch (error) {
      const failure = deliveryError(error, messages);
      if (this.shared.tracing) for (const message of messages) message.settled(failure);
      monitor.publish('error.occurred', {
        type: errorType,
        error: failure,
        ...singleTopic(messages),
      });
      throw failure;
    }
    recordDelivery(topicMessages, response, sentAt);
    const reports = messages.map((message) => message.report());
    if (this.shared.tracing) for (const message of messages) message.settled();
    if (monitor.hasListeners('message.acknowledged')) {
      const latency = performance.now() - started;
      for (const report of reports) monitor.publish('message.acknowledged', { report }, latency);
    }
    return reports;
  }

  /** The background queue's sender: settles the batch, never rejects. */
  private async sendBatch(batch: AsyncBatch): Promise<void> {
    const { monitor, tracing } = this.shared;
    let started: number;
    try {
      const sentAt = Date.now();
      started = performance.now();
      const response = await this.send(batch.toTopicMessages());
      batch.succeed(response, sentAt);
    } catch (error) {
      const failure = deliveryError(error, batch.messages);
      batch.fail(failure);
      if (tracing) for (const message of batch.messages) message.settled(failure);
      monitor.publish('error.occurred', {
        type: 'producer.produce_async.error',
        error: failure,
        ...singleTopic(batch.messages),
      });
      return;
    }
    if (tracing) {
      batch.reports(); // records the offsets the spans report
      for (const message of batch.messages) message.settled();
    }
    if (monitor.hasListeners('message.acknowledged')) {
      const latency = performance.now() - started;
      for (const report of batch.reports()) {
        monitor.publish('message.acknowledged', { report }, latency);
      }
    }
  }

  private async shutdown(): Promise<void> {
    const { connection, monitor, variants, transactionalForks } = this.shared;
    connection.closed = true;
    await Promise.all([...transactionalForks].map((fork) => fork.close()));
    let pending = 0;
    for (const variant of variants.values()) {
      pending += variant.queue.pending + variant.lane.pending + variant.buffered.length;
    }
    // Messages still being serialized join their queue first, in order.
    await Promise.all([...variants.values()].map((variant) => variant.lane.drain()));
    for (const variant of variants.values()) {
      // Buffered messages go out like flushAsync: nothing collected is lost on shutdown.
      const buffered = await Promise.allSettled(variant.takeBuffer());
      variant.enqueue(
        buffered.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : [])),
      );
      for (const outcome of buffered) {
        if (outcome.status === 'rejected') variant.serializationFailed(outcome.reason);
      }
    }
    await Promise.all([...variants.values()].map((variant) => variant.queue.drain()));
    try {
      await connection.disconnect();
    } catch (error) {
      monitor.publish('error.occurred', { type: 'app.shutdown.error', error });
    }
    this.shared.onClosed?.();
    monitor.publish('producer.closed', { pending });
  }
}

function sharedState(parts: ProducerParts, transactionalId: string | undefined): SharedState {
  const { kafka, explain, config, monitor, topicMapper } = parts;
  const connection = new ProducerConnection(kafka, config, explain, transactionalId);
  return {
    kafka,
    explain,
    topicMapper,
    preparer: parts.preparer,
    middleware: parts.middleware,
    monitor,
    config,
    tracing: parts.tracing,
    connection,
    transactions:
      transactionalId === undefined
        ? undefined
        : new TransactionRunner(
            transactionalId,
            connection,
            monitor,
            topicMapper,
            transactionalSettings(config).codec,
          ),
    variants: new Map(),
    transactionalForks: new Set(),
  };
}

/** Transactions send with acks -1 whatever the base producer's acks. */
function transactionalSettings(config: KarafkaConfig['producer']): SendSettings {
  return sendSettings({ acks: -1, compression: config.compression }, {}, true);
}

function info(message: OutgoingMessage): ProducedMessageInfo {
  return { topic: message.kafkaTopic, partition: message.partition, key: message.key };
}

function deliveryError(error: unknown, messages: readonly OutgoingMessage[]): KarafkaProducerError {
  if (error instanceof KarafkaProducerError) return error;
  const topics = [...new Set(messages.map((message) => message.routeTopic))];
  return new DeliveryFailedError(topics, messages.length, error);
}

function singleTopic(messages: readonly OutgoingMessage[]): { topic?: string } {
  const topic = messages[0]?.routeTopic;
  return topic !== undefined && messages.every((message) => message.routeTopic === topic)
    ? { topic }
    : {};
}

/** A promise kept for later: its rejection is handled where it is awaited, not unhandled now. */
function pendingSafe<T>(value: T | Promise<T>): T | Promise<T> {
  if (isThenable(value)) value.catch(() => undefined);
  return value;
}

/** The buffered messages, waiting for those still being serialized; the first failure rejects. */
function settleAll(
  messages: Array<OutgoingMessage | Promise<OutgoingMessage>>,
): OutgoingMessage[] | Promise<OutgoingMessage[]> {
  return messages.some(isThenable) ? Promise.all(messages) : (messages as OutgoingMessage[]);
}
