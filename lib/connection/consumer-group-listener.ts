import type { PartitionCommand } from '../server/partition-command.js';
import type { Admin, Consumer as KafkaConsumer, EachBatchPayload } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import { buildCallChain, type CallChainLink, type ConsumeCall } from '../processing/call-chain.js';
import { createMessageParser } from '../processing/message-parser.js';
import { PartitionExecutor } from '../processing/partition-executor.js';
import type { PartitionHost } from '../processing/partition-host.js';
import type { ProcessingStrategy } from '../processing/strategies/processing-strategy.js';
import { selectStrategy } from '../processing/strategies/strategy-selector.js';
import type { Producer } from '../producer/producer.js';
import { KarafkaError } from '../errors/karafka.error.js';
import type { ConsumerGroupRoutes, Route } from '../routing/route.js';
import { RouteTable } from '../routing/route-table.js';
import type { TracingHooks } from '../tracing/tracing-hooks.js';
import type {
  ConsumerGroupSnapshot,
  ConsumerGroupState,
  PartitionSnapshot,
} from './consumer-group-snapshot.js';
import type { KafkaClientFactory } from './kafka-client.factory.js';
import { OffsetCommitter, type CarriedMark } from './offset-committer.js';
import { StableOffsetReader } from './stable-offset-reader.js';

export interface ListenerDependencies {
  readonly config: KarafkaConfig;
  readonly monitor: Monitor;
  readonly topicMapper: TopicMapper;
  readonly producer: Producer;
  readonly clientFactory: KafkaClientFactory;
  readonly tracing?: TracingHooks;
  /** The links around `consume` (outermost first), asked once per route here. */
  readonly callChain?: readonly CallChainLink[];
}

/** Offsets of an assigned partition read from the admin API (`refreshOffsets`). */
interface PolledOffsets {
  high?: bigint;
  low?: bigint;
  committed?: bigint;
}

type Assignment = Map<string, Set<number>>;

/** What every partition of a route shares, built once at bootstrap. */
interface RoutePipeline {
  readonly parse: ReturnType<typeof createMessageParser>;
  readonly strategy: ProcessingStrategy;
  readonly call: ConsumeCall;
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
  private stableOffsets?: StableOffsetReader;
  private readonly executors = new Map<string, PartitionExecutor>();
  private readonly routes: RouteTable;
  private readonly pipelines = new Map<Route, RoutePipeline>();
  private readonly inFlight = new Set<Promise<void>>();
  private assignment: Assignment = new Map();
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restarts = 0;
  private wakeRestart?: () => void;
  private state: ConsumerGroupState = 'connecting';
  private lastError?: string;
  /** By `topic:partition` (Kafka topic), for partitions this member has not fetched lately. */
  private readonly polled = new Map<string, PolledOffsets>();
  /** Marks not committed when the client crashed; restored for partitions that come back. */
  private carried: CarriedMark[] = [];
  /** The cluster this listener consumes from, learnt in the background once it joined. */
  private clusterId?: string;

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
        call: buildCallChain(route, deps.callChain ?? []),
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
  get tracing(): TracingHooks | undefined {
    return this.deps.tracing;
  }

  /** The kafkajs consumer (for `KarafkaServer.unwrap()`). */
  get kafkaConsumer(): KafkaConsumer | undefined {
    return this.consumer;
  }

  async start(): Promise<void> {
    const { config, clientFactory } = this.deps;
    const settings = config.consumer;
    if (this.state !== 'crashed') this.state = 'connecting';
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
    this.committer.watch(consumer);
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
    try {
      await consumer.connect();
    } catch (error) {
      throw clientFactory.explainFailure(error, `Consumer group ${this.group.id}`);
    }
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
    void this.learnClusterId();
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
    this.state = 'stopped';
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
    await settleBefore(this.stableOffsets?.close() ?? Promise.resolve(), deadline);
    this.stableOffsets = undefined;
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

  /**
   * Read with require_stable (see StableOffsetReader), on a client made on first use (only
   * exactly-once routes ask).
   */
  async committedOffset(kafkaTopic: string, partition: number): Promise<string | undefined> {
    this.stableOffsets ??= new StableOffsetReader(
      this.deps.clientFactory.create(`${this.group.name}-offsets`),
      this.group.id,
    );
    return this.stableOffsets.committedOffset(kafkaTopic, partition);
  }

  /**
   * Pause, resume or seek an assigned partition as its consumer would (commands from the web
   * UI). False when the partition is not assigned to this member. A seek while `consume` runs
   * applies after that call, like the consumer's own `seek()`.
   */
  command(
    kafkaTopic: string,
    partition: number,
    action: PartitionCommand['action'],
    offset?: string,
  ): boolean {
    if (!this.assignment.get(kafkaTopic)?.has(partition)) return false;
    const executor = this.executorFor(kafkaTopic, partition);
    if (!executor) return false;
    if (action === 'pause') executor.consumerControls.pause();
    else if (action === 'resume') executor.consumerControls.resume();
    else if (executor.consumingSince !== undefined) executor.consumerControls.seek(offset ?? '0');
    else executor.seekIdle(BigInt(offset ?? '0').toString());
    return true;
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
      const { parse, strategy, call } = this.pipelines.get(route)!;
      executor = new PartitionExecutor(route, partition, this, parse, strategy, call);
      this.executors.set(key, executor);
    }
    return executor;
  }

  /** kafkajs reports only the new assignment: what is gone from the old one was revoked. */
  private async onJoin(memberAssignment: Record<string, number[]>): Promise<void> {
    this.restarts = 0;
    if (!this.stopping) this.state = 'joined';
    this.lastError = undefined;
    const next: Assignment = new Map(
      Object.entries(memberAssignment).map(([topic, partitions]) => [topic, new Set(partitions)]),
    );
    this.resumeKeptPartitions(next);
    this.restoreCarriedMarks(next);
    this.committer.resume();
    if (this.clusterId === undefined) void this.learnClusterId();
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

  /**
   * kafkajs starts every new generation from the offsets the coordinator returns. A partition
   * this member kept through a rejoin without a crash (the group coordinator moved to another
   * broker, or another member joined) may have been processed past that: its last marks went to
   * a coordinator that had just stopped being one, or to a generation that had just ended, and a
   * coordinator that has just taken the group over may answer with older offsets, or none (then
   * kafkajs starts from initialOffset, the whole partition again). The fetch resumes after the
   * last processed message instead, and pending marks go with the next commit, to the new
   * coordinator. Runs within kafkajs' GROUP_JOIN event, before its first fetch.
   */
  private resumeKeptPartitions(assignment: Assignment): void {
    if (this.committer.suspended) return; // after a crash, restoreCarriedMarks does this
    let pending = 0;
    for (const [topic, partitions] of assignment) {
      for (const partition of partitions) {
        if (!this.assignment.get(topic)?.has(partition)) continue;
        const last = this.committer.lastMarked(topic, partition);
        if (last === undefined) continue;
        this.seek(topic, partition, (last + 1n).toString());
        if (this.committer.pending(topic, partition) !== undefined) pending++;
      }
    }
    if (pending) void this.committer.commit();
  }

  /**
   * After a crash, what was processed but not committed is not lost work: for a partition this
   * member got back, the fetch starts after the last processed message and the mark is committed
   * with the next commit. Without this the restarted client re-reads everything since the last
   * commit that reached Kafka. Only on the same cluster: a broker that came back without its
   * data (a new cluster id) has other messages at those offsets. The partitions are paused within
   * kafkajs' GROUP_JOIN event, before its first fetch, until that is checked.
   */
  private restoreCarriedMarks(assignment: Assignment): void {
    if (!this.committer.suspended) return;
    // With what batches still running when the client crashed marked since.
    const carried = [...this.carried, ...this.committer.forgetAll()].filter(
      (mark) => assignment.get(mark.topic)?.has(mark.partition) ?? false,
    );
    this.carried = [];
    if (!carried.length) return;
    for (const mark of carried) this.pausePartition(mark.topic, mark.partition);
    void this.sameCluster().then((same) => {
      for (const mark of carried) {
        // Crashed again meanwhile (a coordinator still loading): the next join takes them.
        if (same && this.committer.suspended) {
          this.carried.push(mark);
          this.resumePartition(mark.topic, mark.partition);
          continue;
        }
        // Still ours: a rebalance while the cluster id was checked may have moved it.
        const owned = this.assignment.get(mark.topic)?.has(mark.partition) ?? false;
        if (same && owned) {
          this.committer.restore(mark);
          this.seek(mark.topic, mark.partition, mark.next.toString());
        }
        this.resumePartition(mark.topic, mark.partition);
      }
    });
  }

  private async learnClusterId(): Promise<void> {
    this.clusterId ??= await this.describeCluster();
  }

  /**
   * Whether the brokers answer with the cluster id they had before the crash. A busy broker that
   * just started may not answer the first time: a few tries before giving up (the partitions
   * wait paused meanwhile; giving up means re-reading from the last commit, as before).
   */
  private async sameCluster(): Promise<boolean> {
    if (this.clusterId === undefined) return false;
    for (let attempt = 1; attempt <= 5 && !this.stopping; attempt++) {
      const now = await this.describeCluster();
      if (now !== undefined) return now === this.clusterId;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    return false;
  }

  private async describeCluster(): Promise<string | undefined> {
    const admin = this.deps.clientFactory.create(this.group.name).admin();
    try {
      await admin.connect();
      return (await admin.describeCluster()).clusterId;
    } catch {
      return undefined;
    } finally {
      await admin.disconnect().catch(() => undefined);
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
    if (!this.stopping) this.state = 'crashed';
    this.lastError = error instanceof Error ? error.message : String(error);
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
   * their uncommitted marks are carried to the next group join, where only the partitions this
   * member gets back restore them (committing the others could move back another member's
   * offsets). Commits wait meanwhile: kafkajs would drop them silently.
   */
  private async forgetPartitions(): Promise<void> {
    const executors = [...this.executors.values()];
    this.executors.clear();
    this.committer.suspend();
    this.carried.push(...this.committer.forgetAll());
    this.assignment = new Map();
    this.polled.clear();
    for (const executor of executors) {
      executor.clearTimers();
      await executor.revoke();
    }
  }

  /** What this group is doing now: state, assigned partitions, offsets and lag. */
  snapshot(): ConsumerGroupSnapshot {
    const partitions: PartitionSnapshot[] = [];
    for (const [kafkaTopic, assigned] of this.assignment) {
      for (const partition of [...assigned].sort((a, b) => a - b)) {
        partitions.push(this.partitionSnapshot(kafkaTopic, partition));
      }
    }
    return {
      id: this.group.id,
      name: this.group.name,
      state: this.state,
      topics: this.group.routes.map((route) => route.topic),
      crashes: this.restarts,
      lastError: this.state === 'crashed' ? this.lastError : undefined,
      partitions,
    };
  }

  private partitionSnapshot(kafkaTopic: string, partition: number): PartitionSnapshot {
    const key = `${kafkaTopic}:${partition}`;
    const executor = this.executors.get(key);
    const polled = this.polled.get(key);
    const fetched =
      executor?.highWatermark === undefined ? undefined : BigInt(executor.highWatermark);
    // High watermarks only grow: the newer of the fetched and the polled one.
    const high =
      fetched === undefined
        ? polled?.high
        : polled?.high === undefined || fetched > polled.high
          ? fetched
          : polled.high;
    const marked = this.committer.lastMarked(kafkaTopic, partition);
    const position =
      marked !== undefined
        ? marked + 1n
        : polled?.committed !== undefined && polled.committed >= 0n
          ? polled.committed
          : this.startOffset(kafkaTopic, polled);
    const lag =
      high === undefined || position === undefined
        ? undefined
        : Number(high > position ? high - position : 0n);
    const backingOffSince = executor?.backingOffSince;
    const consumingSince = executor?.consumingSince;
    return {
      topic: this.deps.topicMapper.incoming(kafkaTopic),
      kafkaTopic,
      partition,
      highWatermark: high?.toString(),
      markedOffset: marked?.toString(),
      committedOffset: polled?.committed?.toString(),
      lag,
      paused: executor?.paused ?? false,
      pausedByConsumer: executor?.pausedByConsumer ?? false,
      backingOffSince: backingOffSince === undefined ? undefined : new Date(backingOffSince),
      attempt: executor?.attempt ?? 0,
      consumingSince: consumingSince === undefined ? undefined : new Date(consumingSince),
    };
  }

  /** Nothing marked or committed yet: the group starts where the route's initialOffset says. */
  private startOffset(kafkaTopic: string, polled: PolledOffsets | undefined): bigint | undefined {
    if (polled?.committed === undefined) return undefined;
    const route = this.routes.find(this.group.id, kafkaTopic);
    return route?.initialOffset === 'earliest' ? polled.low : polled.high;
  }

  /**
   * Reads the high watermarks and committed offsets of the assigned partitions from the admin
   * API: a paused partition is not fetched, so its last fetched high watermark goes stale
   * while messages keep arriving. Two requests per topic and one per group.
   */
  async refreshOffsets(admin: Admin): Promise<void> {
    const topics = [...this.assignment.keys()];
    if (!topics.length || this.state !== 'joined') return;
    const [committed, ...highs] = await Promise.all([
      admin.fetchOffsets({ groupId: this.group.id, topics }),
      ...topics.map((topic) => admin.fetchTopicOffsets(topic)),
    ]);
    const next = new Map<string, PolledOffsets>();
    topics.forEach((topic, index) => {
      for (const { partition, high, low } of highs[index]!) {
        next.set(`${topic}:${partition}`, { high: BigInt(high), low: BigInt(low) });
      }
    });
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const entry = next.get(`${topic}:${partition}`);
        if (entry) entry.committed = BigInt(offset);
      }
    }
    this.polled.clear();
    for (const [key, offsets] of next) this.polled.set(key, offsets);
  }

  /** The partitions this member holds now, by route topic. */
  assignedPartitions(): Record<string, number[]> {
    const partitions: Record<string, number[]> = {};
    for (const [topic, set] of this.assignment) partitions[topic] = [...set].sort((a, b) => a - b);
    return this.toRouteTopics(partitions);
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
