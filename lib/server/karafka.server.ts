import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CustomTransportStrategy, Server, Transport } from '@nestjs/microservices';
import type { Admin, Consumer as KafkaConsumer } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { ConsumerGroupListener } from '../connection/consumer-group-listener.js';
import { KafkaClientFactory } from '../connection/kafka-client.factory.js';
import { ConsumerEnhancers } from '../enhancers/consumer-enhancers.js';
import { KarafkaError } from '../errors/karafka.error.js';
import {
  evaluateHealth,
  type KarafkaHealth,
  type KarafkaHealthLimits,
} from '../health/karafka-health.js';
import type { KarafkaEvent, KarafkaEventName } from '../instrumentation/karafka-events.js';
import { Monitor } from '../instrumentation/monitor.js';
import { KARAFKA_CONFIG, KARAFKA_TRACING } from '../karafka.constants.js';
import { TopicMapper } from '../mapping/topic-mapper.js';
import { Producer } from '../producer/producer.js';
import { ConsumingStop } from '../processing/consuming-stop.js';
import { PatternHandlers } from '../patterns/pattern-handlers.js';
import { RoutesExplorer } from '../routing/routes-explorer.js';
import type { TracingHooks } from '../tracing/tracing-hooks.js';
import type { PartitionCommand } from './partition-command.js';
import type { KarafkaRuntimeSnapshot, KarafkaServerStatus } from './runtime-snapshot.js';

export type { KarafkaServerStatus };

/** `server.on(event, callback)` takes the monitor's events. */
export type KarafkaServerEvents = { [N in KarafkaEventName]: (event: KarafkaEvent<N>) => void };

/** What `KarafkaServer.close()` resolves with. */
export interface KarafkaStopResult {
  /** `shutdownTimeout` ran out with work still in flight. */
  forced: boolean;
}

/** Narrows what `listen()` runs (the CLI's --consumer-groups / --topics). */
export interface RouteSelection {
  groups?: string[];
  topics?: string[];
}

/**
 * The Nest transport strategy: `app.connectMicroservice({ strategy: app.get(KarafkaServer) })`.
 * Runs one kafkajs consumer per consumer group of the route table. It owns the consuming
 * lifecycle: `listen()` starts, `close()` stops gracefully (also called on Nest shutdown).
 */
@Injectable()
export class KarafkaServer
  extends Server<KarafkaServerEvents, KarafkaServerStatus>
  implements CustomTransportStrategy, OnApplicationBootstrap, OnModuleDestroy
{
  /**
   * Nest registers `@EventPattern` / `@MessagePattern` handlers meant for the Kafka transport
   * (or for any transport) with this server, as with its own ServerKafka.
   */
  override readonly transportId = Transport.KAFKA;
  private listeners: ConsumerGroupListener[] = [];
  private selection: RouteSelection = {};
  private stopping?: Promise<KarafkaStopResult>;
  private running = false;
  private bootstrapped = false;
  private startAfterBootstrap = false;
  private current: KarafkaServerStatus = 'idle';
  private admin?: Promise<Admin>;

  constructor(
    @Inject(KARAFKA_CONFIG) private readonly config: KarafkaConfig,
    private readonly routes: RoutesExplorer,
    consumingStop: ConsumingStop,
    private readonly clientFactory: KafkaClientFactory,
    private readonly monitor: Monitor,
    private readonly topicMapper: TopicMapper,
    private readonly producer: Producer,
    private readonly enhancers: ConsumerEnhancers,
    patternHandlers: PatternHandlers,
    @Optional() @Inject(KARAFKA_TRACING) private readonly tracing?: TracingHooks,
  ) {
    super();
    this._status$.subscribe((status) => (this.current = status));
    this._status$.next('idle');
    consumingStop.register(() => this.close());
    patternHandlers.attach({
      handlerFor: (pattern) => this.getHandlerByPattern(pattern) ?? undefined,
      kafkaConsumer: (groupId) => this.listeners.find((l) => l.group.id === groupId)?.kafkaConsumer,
    });
    this.patternHandlers = patternHandlers;
  }

  private readonly patternHandlers: PatternHandlers;

  /** Runs only these consumer groups (names or ids) and/or route topics. Call before listen(). */
  select(selection: RouteSelection): this {
    this.selection = selection;
    return this;
  }

  /**
   * Nest's transport entry point. In a hybrid app, Nest's documented order
   * (`connectMicroservice`, `startAllMicroservices`, then `listen`/`init`) calls this before the
   * application's init hooks ran; consuming then starts right after bootstrap, so no `consume`
   * ever runs before the app's providers finished `onModuleInit`. A failure to start later is
   * published as `error.occurred` (`connection.client.error`) and logged.
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    if (!this.bootstrapped) {
      this.startAfterBootstrap = true;
      callback();
      return;
    }
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Nest hook: in a hybrid app, consuming starts here, once every `onModuleInit` has run. */
  async onApplicationBootstrap(): Promise<void> {
    this.bootstrapped = true;
    if (!this.startAfterBootstrap) return;
    this.startAfterBootstrap = false;
    await this.start().catch((error: unknown) => {
      this.monitor.publish('error.occurred', { type: 'connection.client.error', error });
      this.logger.error(
        `Karafka could not start consuming: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  /** Starts consuming; resolves once every consumer group's client runs. */
  async start(): Promise<void> {
    if (this.running) return;
    const table = (await this.routes.ensureBuilt()).select(this.selection);
    if (!table.groups.length) {
      throw new KarafkaError(
        'Nothing to consume: no routes' +
          (this.selection.groups?.length || this.selection.topics?.length
            ? ' match the selection.'
            : '. Add @Consumer classes to your providers.'),
      );
    }
    // Pattern routes need the handlers Nest registers when it connects this microservice.
    for (const route of table.routes) {
      if (route.pattern)
        this.patternHandlers.handler(route.pattern.pattern, route.consumerClass.name);
    }
    this.running = true;
    this.stopping = undefined;
    this._status$.next('connecting');
    const dependencies = {
      config: this.config,
      monitor: this.monitor,
      topicMapper: this.topicMapper,
      producer: this.producer,
      clientFactory: this.clientFactory,
      tracing: this.tracing,
      // Nest enhancers call consume themselves: they stay the innermost link.
      callChain: [this.enhancers],
    };
    this.listeners = table.groups.map((group) => new ConsumerGroupListener(group, dependencies));
    // All settled before closing: a group still connecting when another failed must not join
    // after the close.
    const results = await Promise.allSettled(this.listeners.map((listener) => listener.start()));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) {
      await this.close();
      throw failure.reason;
    }
    this._status$.next('connected');
    this.monitor.publish('app.running', { groups: table.groups.map((group) => group.id) });
  }

  /** Graceful stop within `shutdownTimeout`. Idempotent: later calls get the same result. */
  close(): Promise<KarafkaStopResult> {
    this.startAfterBootstrap = false;
    if (!this.running) return this.stopping ?? Promise.resolve({ forced: false });
    this.stopping ??= this.stop('close');
    return this.stopping;
  }

  /** Nest hook: stops consuming gracefully (same as `close()`). */
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  /**
   * Subscribes to a monitor event (Nest's `server.on(event, callback)`); returns the unsubscribe.
   * @typeParam N - the event name
   * @typeParam C - the callback's type, as Nest's `Server.on` declares it
   */
  on<
    N extends keyof KarafkaServerEvents,
    C extends KarafkaServerEvents[N] = KarafkaServerEvents[N],
  >(event: N, callback: C): () => void {
    return this.monitor.subscribe(event, callback as KarafkaServerEvents[N]);
  }

  /** The partitions this process holds now: consumer group id -> route topic -> partitions. */
  assignments(): Record<string, Record<string, number[]>> {
    return Object.fromEntries(
      this.listeners.map((listener) => [listener.group.id, listener.assignedPartitions()]),
    );
  }

  /** The kafkajs consumers, by consumer group id. */
  unwrap<T = Map<string, KafkaConsumer>>(): T {
    const consumers = new Map<string, KafkaConsumer>();
    for (const listener of this.listeners) {
      if (listener.kafkaConsumer) consumers.set(listener.group.id, listener.kafkaConsumer);
    }
    return consumers as T;
  }

  /**
   * What this process is consuming right now: each group's state and assigned partitions with
   * their offsets, lag, pauses and the `consume` in progress. Read-only, a fresh object per call.
   */
  snapshot(): KarafkaRuntimeSnapshot {
    return {
      status: this.current,
      takenAt: new Date(),
      groups: this.listeners.map((listener) => listener.snapshot()),
    };
  }

  /**
   * Pauses, resumes or seeks one partition assigned to this process, as its consumer's own
   * `pause()`/`resume()`/`seek()` would (the web UI's commands). Resolves false when no group
   * of this process has the partition assigned.
   */
  command(command: PartitionCommand): boolean {
    const listener = this.listeners.find((candidate) => candidate.group.id === command.group);
    if (!listener) return false;
    const kafkaTopic = this.topicMapper.outgoing(command.topic);
    return listener.command(kafkaTopic, command.partition, command.action, command.offset);
  }

  /**
   * Reads high watermarks and committed offsets of the assigned partitions from Kafka's admin
   * API, so the snapshot's lag is current also for partitions not being fetched (paused, or
   * idle). The metrics module calls it on an interval; failures are left to the next call.
   */
  async refreshLag(): Promise<void> {
    if (!this.running || !this.listeners.length) return;
    this.admin ??= this.connectAdmin();
    const admin = await this.admin;
    await Promise.all(this.listeners.map((listener) => listener.refreshOffsets(admin)));
  }

  /**
   * Readiness (every group connected and joined) and liveness (no crash loop past the budget,
   * no `consume` stuck, no partition failing for too long, optionally no lag over a limit), with
   * the group/topic/partition at fault. `@nestjs/terminus` users get the same from
   * `KarafkaHealthIndicator` (nestjs-karafka/health).
   */
  health(limits?: KarafkaHealthLimits): KarafkaHealth {
    return evaluateHealth(this.snapshot(), limits);
  }

  private async connectAdmin(): Promise<Admin> {
    const admin = this.clientFactory.create('admin').admin();
    try {
      await admin.connect();
      return admin;
    } catch (error) {
      this.admin = undefined;
      throw error;
    }
  }

  private async stop(reason: string): Promise<KarafkaStopResult> {
    this._status$.next('stopping');
    this.monitor.publish('app.stopping', { reason });
    const deadline = Date.now() + this.config.shutdownTimeout;
    const results = await Promise.all(this.listeners.map((listener) => listener.stop(deadline)));
    const forced = results.some(Boolean);
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
    this.listeners = [];
    this.running = false;
    this._status$.next('stopped');
    this.monitor.publish('app.stopped', { forced });
    return { forced };
  }
}
