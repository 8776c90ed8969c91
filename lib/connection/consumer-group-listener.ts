import type { Admin, Consumer as KafkaConsumer, EachBatchPayload } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import { createMessageParser } from '../processing/message-parser.js';
import { PartitionExecutor } from '../processing/partition-executor.js';
import type { PartitionHost } from '../processing/partition-host.js';
import type { ProcessingStrategy } from '../processing/strategies/processing-strategy.js';
import { selectStrategy } from '../processing/strategies/strategy-selector.js';
import type { Producer } from '../producer/producer.js';
import { KarafkaError } from '../errors/karafka.error.js';
import type { ConsumerGroupRoutes, Route } from '../routing/route.js';
import { RouteTable } from '../routing/route-table.js';
import type { KafkaClientFactory } from './kafka-client.factory.js';
import { OffsetCommitter } from './offset-committer.js';

export interface ListenerDependencies {
  readonly config: KarafkaConfig;
  readonly monitor: Monitor;
  readonly topicMapper: TopicMapper;
  readonly producer: Producer;
  readonly clientFactory: KafkaClientFactory;
}

type Assignment = Map<string, Set<number>>;

/** What every partition of a route shares, built once at bootstrap. */
interface RoutePipeline {
  readonly parse: ReturnType<typeof createMessageParser>;
  readonly strategy: ProcessingStrategy;
}

/**
 * One Kafka consumer group: a kafkajs consumer subscribed to the group's topics, fetching with
 * eachBatch and handing each partition's batches to its PartitionExecutor. Tracks assignments
 * to derive revocations (kafkajs has no revoke callback), commits marked offsets, restarts the
 * client after a crash kafkajs does not recover from, and stops gracefully.
 */
export class ConsumerGroupListener implements PartitionHost {
  readonly committer: OffsetCommitter;
  private consumer?: KafkaConsumer;
  private admin?: Admin;
  private readonly executors = new Map<string, PartitionExecutor>();
  private readonly routes: RouteTable;
  private readonly pipelines = new Map<Route, RoutePipeline>();
  private readonly inFlight = new Set<Promise<void>>();
  private assignment: Assignment = new Map();
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restarts = 0;
  private wakeRestart?: () => void;

  constructor(
    readonly group: ConsumerGroupRoutes,
    private readonly deps: ListenerDependencies,
  ) {
    this.committer = new OffsetCommitter(
      group.id,
      () => this.consumer,
      deps.config.commit,
      deps.monitor,
      deps.topicMapper,
    );
    this.routes = new RouteTable(group.routes);
    for (const route of group.routes) {
      this.pipelines.set(route, {
        parse: createMessageParser(route, deps.monitor),
        strategy: selectStrategy(route),
      });
    }
  }

  get config(): KarafkaConfig {
    return this.deps.config;
  }
  get monitor(): Monitor {
    return this.deps.monitor;
  }
  get producer(): Producer {
    return this.deps.producer;
  }

  /** The kafkajs consumer (for `KarafkaServer.unwrap()`). */
  get kafkaConsumer(): KafkaConsumer | undefined {
    return this.consumer;
  }

  async start(): Promise<void> {
    const { config, clientFactory } = this.deps;
    const settings = config.consumer;
    const consumer = clientFactory.create(this.group.name).consumer({
      groupId: this.group.id,
      sessionTimeout: settings.sessionTimeout,
      heartbeatInterval: settings.heartbeatInterval,
      rebalanceTimeout: settings.rebalanceTimeout,
      maxBytes: settings.maxBytes,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      minBytes: settings.minBytes,
      maxWaitTimeInMs: settings.maxWaitTime,
      allowAutoTopicCreation: true,
      // The explorer made sure a group's routes agree on it.
      readUncommitted: this.group.routes[0]?.isolationLevel === 'read_uncommitted',
      // kafkajs restarts a consumer that crashed on a retriable error (a coordinator still
      // loading, a broker gone) after a few hundred ms, again and again while the broker is
      // down. It awaits this callback first: that is where the crash is reported and throttled.
      retry: { ...config.kafka.retry, restartOnFailure: (error) => this.beforeKafkaRestart(error) },
    });
    this.consumer = consumer;
    consumer.on(
      consumer.events.GROUP_JOIN,
      ({ payload }) => void this.onJoin(payload.memberAssignment),
    );
    consumer.on(consumer.events.REBALANCING, () => void this.committer.commit());
    // Crashes kafkajs restarts itself were reported in beforeKafkaRestart; the others here.
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      payload.restart ? undefined : this.onCrash(payload.error),
    );

    // stop() may be called while this is still connecting (another group failed to start, or
    // the app closes during a restart): then this client must not go on to join the group.
    await consumer.connect();
    if (await this.abandonedStart(consumer)) return;
    for (const route of this.group.routes) await this.subscribe(consumer, route);
    if (await this.abandonedStart(consumer)) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.concurrency,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (await this.abandonedStart(consumer)) return;
    this.committer.start();
    this.deps.monitor.publish('connection.client.connected', { group: this.group.id });
  }

  /**
   * A topic that does not exist yet answers UNKNOWN_TOPIC_OR_PARTITION; a broker that creates
   * topics on demand has created it a moment later. Retried for a few seconds, then a clear error.
   */
  private async subscribe(consumer: KafkaConsumer, route: Route): Promise<void> {
    const delays = [250, 500, 1_000, 2_000, 4_000];
    for (let attempt = 0; ; attempt++) {
      try {
        await consumer.subscribe({
          topics: [route.kafkaTopic],
          fromBeginning: route.initialOffset === 'earliest',
        });
        return;
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable === true;
        if (!retriable || attempt >= delays.length || this.stopping) {
          throw new KarafkaError(
            `Consumer group ${this.group.id} cannot subscribe to topic "${route.kafkaTopic}" ` +
              `(${route.consumerClass.name}): ${error instanceof Error ? error.message : String(error)}. ` +
              `Create it first (npx karafka topics create) or let the broker create topics ` +
              `(auto.create.topics.enable).`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
      }
    }
  }

  private async abandonedStart(consumer: KafkaConsumer): Promise<boolean> {
    if (!this.stopping) return false;
    await consumer.disconnect().catch(() => undefined);
    return true;
  }

  /**
   * Stops fetching, waits for in-flight batches until `deadline`, commits, calls onShutdown and
   * disconnects. Resolves `true` when the deadline forced the stop.
   */
  async stop(deadline: number): Promise<boolean> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.wakeRestart?.();
    const finished = await settleBefore(Promise.allSettled([...this.inFlight]), deadline);
    this.committer.stop();
    await settleBefore(this.committer.commit(), deadline);
    for (const executor of this.executors.values()) {
      executor.clearTimers();
      await settleBefore(executor.shutdown(), deadline);
    }
    this.executors.clear();
    // onShutdown may have marked what it flushed.
    await settleBefore(this.committer.commit(), deadline);
    const disconnected = await settleBefore(
      this.consumer?.disconnect() ?? Promise.resolve(),
      deadline,
    );
    await settleBefore(
      this.admin?.disconnect().catch(() => undefined) ?? Promise.resolve(),
      deadline,
    );
    this.admin = undefined;
    return !finished || !disconnected;
  }

  // kafkajs throws from pause/resume/seek once its consumer crashed (its group is gone until
  // the restart); a backoff timer firing then must not take the process down. The crash itself
  // is reported, and the restart starts from committed offsets with fresh executors.
  pausePartition(kafkaTopic: string, partition: number): void {
    this.toKafka(() => this.consumer?.pause([{ topic: kafkaTopic, partitions: [partition] }]));
  }

  resumePartition(kafkaTopic: string, partition: number): void {
    if (this.stopping) return;
    this.toKafka(() => this.consumer?.resume([{ topic: kafkaTopic, partitions: [partition] }]));
  }

  seek(kafkaTopic: string, partition: number, offset: string): void {
    this.toKafka(() => this.consumer?.seek({ topic: kafkaTopic, partition, offset }));
  }

  /** Read with an admin client made on first use (only exactly-once routes ask). */
  async committedOffset(kafkaTopic: string, partition: number): Promise<string | undefined> {
    this.admin ??= this.deps.clientFactory.create(`${this.group.name}-admin`).admin();
    await this.admin.connect();
    const [topic] = await this.admin.fetchOffsets({ groupId: this.group.id, topics: [kafkaTopic] });
    const offset = topic?.partitions.find((entry) => entry.partition === partition)?.offset;
    return offset === undefined || offset === '-1' ? undefined : offset;
  }

  private toKafka(call: () => void): void {
    try {
      call();
    } catch {
      // the client crashed; see above
    }
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.isEmpty()) return;
    const executor = this.executorFor(batch.topic, batch.partition);
    if (!executor || executor.paused) return;
    const work = executor.process(batch, {
      resolveOffset,
      heartbeat,
      isStale,
      isRunning: () => isRunning() && !this.stopping,
    });
    this.inFlight.add(work);
    try {
      await work;
    } catch (error) {
      // The executor handles consume errors itself; this is a framework bug, report it loudly.
      this.deps.monitor.publish('error.occurred', {
        type: 'consumer.consume.error',
        error,
        group: this.group.id,
      });
    } finally {
      this.inFlight.delete(work);
    }
  }

  private executorFor(kafkaTopic: string, partition: number): PartitionExecutor | undefined {
    const key = `${kafkaTopic}:${partition}`;
    let executor = this.executors.get(key);
    if (!executor) {
      const route = this.routes.find(this.group.id, kafkaTopic);
      if (!route) return undefined;
      const { parse, strategy } = this.pipelines.get(route)!;
      executor = new PartitionExecutor(route, partition, this, parse, strategy);
      this.executors.set(key, executor);
    }
    return executor;
  }

  /** kafkajs reports only the new assignment: what is gone from the old one was revoked. */
  private async onJoin(memberAssignment: Record<string, number[]>): Promise<void> {
    this.restarts = 0;
    const next: Assignment = new Map(
      Object.entries(memberAssignment).map(([topic, partitions]) => [topic, new Set(partitions)]),
    );
    const revoked = difference(this.assignment, next);
    const assigned = difference(next, this.assignment);
    this.assignment = next;

    if (Object.keys(revoked).length) {
      const isRevoked = (topic: string, partition: number) =>
        revoked[topic]?.includes(partition) ?? false;
      await this.committer.commit(isRevoked);
      for (const [key, executor] of this.executors) {
        if (!isRevoked(executor.route.kafkaTopic, executor.partition)) continue;
        await executor.revoke();
        this.executors.delete(key);
        this.committer.forget(executor.route.kafkaTopic, executor.partition);
        // kafkajs keeps a partition's paused state across rebalances: if it comes back to this
        // member later, it must not stay paused by a backoff whose timer was dropped here.
        this.consumer?.resume([
          { topic: executor.route.kafkaTopic, partitions: [executor.partition] },
        ]);
      }
      this.deps.monitor.publish('rebalance.partitions_revoked', {
        group: this.group.id,
        partitions: this.toRouteTopics(revoked),
      });
    }
    if (Object.keys(assigned).length) {
      this.deps.monitor.publish('rebalance.partitions_assigned', {
        group: this.group.id,
        partitions: this.toRouteTopics(assigned),
      });
    }
  }

  /** A retriable crash: report it, wait our backoff, then let kafkajs restart (unless stopping). */
  private async beforeKafkaRestart(error: Error): Promise<boolean> {
    if (this.stopping) return false;
    this.reportCrash(error, true);
    await this.forgetPartitions();
    await new Promise<void>((resolve) => {
      this.restartTimer = setTimeout(resolve, this.nextRestartDelay());
      this.wakeRestart = resolve;
    });
    this.wakeRestart = undefined;
    return !this.stopping;
  }

  /** A crash kafkajs does not restart from: rebuild the client ourselves, with the same backoff. */
  private onCrash(error: unknown): void {
    this.reportCrash(error, !this.stopping);
    if (this.stopping) return;
    void this.forgetPartitions();
    this.restartTimer = setTimeout(() => void this.restart(), this.nextRestartDelay());
  }

  private reportCrash(error: unknown, restart: boolean): void {
    this.deps.monitor.publish('connection.client.crashed', {
      group: this.group.id,
      error,
      restart,
    });
    this.deps.monitor.publish('error.occurred', {
      type: 'connection.client.error',
      error,
      group: this.group.id,
    });
  }

  /** 0.5 s doubling to 30 s over consecutive crashes; a successful group join resets it. */
  private nextRestartDelay(): number {
    this.restarts += 1;
    return Math.min(500 * 2 ** (this.restarts - 1), 30_000);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    await this.consumer?.disconnect().catch(() => undefined);
    await this.forgetPartitions();
    try {
      await this.start();
    } catch (error) {
      this.onCrash(error);
    }
  }

  /**
   * A crashed client lost its partitions: their instances are revoked as in a rebalance, and
   * their marks dropped (committing them later could move back another member's offsets);
   * the restarted client starts from the committed offsets.
   */
  private async forgetPartitions(): Promise<void> {
    const executors = [...this.executors.values()];
    this.executors.clear();
    this.committer.forgetAll();
    this.assignment = new Map();
    for (const executor of executors) {
      executor.clearTimers();
      await executor.revoke();
    }
  }

  private toRouteTopics(partitions: Record<string, number[]>): Record<string, number[]> {
    return Object.fromEntries(
      Object.entries(partitions).map(([topic, list]) => [
        this.deps.topicMapper.incoming(topic),
        list,
      ]),
    );
  }
}

function difference(a: Assignment, b: Assignment): Record<string, number[]> {
  const result: Record<string, number[]> = {};
  for (const [topic, partitions] of a) {
    const gone = [...partitions].filter((p) => !b.get(topic)?.has(p)).sort((x, y) => x - y);
    if (gone.length) result[topic] = gone;
  }
  return result;
}

/** Resolves true if `work` settled before `deadline` (epoch ms), false otherwise. Never rejects. */
async function settleBefore(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
