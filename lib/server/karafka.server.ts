import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer as KafkaConsumer } from 'kafkajs';
import type { KarafkaConfig } from '../config/karafka-config.js';
import { ConsumerGroupListener } from '../connection/consumer-group-listener.js';
import { KafkaClientFactory } from '../connection/kafka-client.factory.js';
import { ConsumerEnhancers } from '../enhancers/consumer-enhancers.js';
import { KarafkaError } from '../errors/karafka.error.js';
import type { KarafkaEvent, KarafkaEventName } from '../instrumentation/karafka-events.js';
import { Monitor } from '../instrumentation/monitor.js';
import { KARAFKA_CONFIG } from '../karafka.constants.js';
import { TopicMapper } from '../mapping/topic-mapper.js';
import { Producer } from '../producer/producer.js';
import { ConsumingStop } from '../processing/consuming-stop.js';
import { RoutesExplorer } from '../routing/routes-explorer.js';

/** `server.on(event, callback)` takes the monitor's events. */
export type KarafkaServerEvents = { [N in KarafkaEventName]: (event: KarafkaEvent<N>) => void };

/** What `KarafkaServer.status` emits as the server starts and stops. */
export type KarafkaServerStatus = 'idle' | 'connecting' | 'connected' | 'stopping' | 'stopped';

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
  private listeners: ConsumerGroupListener[] = [];
  private selection: RouteSelection = {};
  private stopping?: Promise<KarafkaStopResult>;
  private running = false;
  private bootstrapped = false;
  private startAfterBootstrap = false;

  constructor(
    @Inject(KARAFKA_CONFIG) private readonly config: KarafkaConfig,
    private readonly routes: RoutesExplorer,
    consumingStop: ConsumingStop,
    private readonly clientFactory: KafkaClientFactory,
    private readonly monitor: Monitor,
    private readonly topicMapper: TopicMapper,
    private readonly producer: Producer,
    private readonly enhancers: ConsumerEnhancers,
  ) {
    super();
    this._status$.next('idle');
    consumingStop.register(() => this.close());
  }

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
    this.running = true;
    this.stopping = undefined;
    this._status$.next('connecting');
    const dependencies = {
      config: this.config,
      monitor: this.monitor,
      topicMapper: this.topicMapper,
      producer: this.producer,
      clientFactory: this.clientFactory,
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

  /** The kafkajs consumers, by consumer group id. */
  unwrap<T = Map<string, KafkaConsumer>>(): T {
    const consumers = new Map<string, KafkaConsumer>();
    for (const listener of this.listeners) {
      if (listener.kafkaConsumer) consumers.set(listener.group.id, listener.kafkaConsumer);
    }
    return consumers as T;
  }

  private async stop(reason: string): Promise<KarafkaStopResult> {
    this._status$.next('stopping');
    this.monitor.publish('app.stopping', { reason });
    const deadline = Date.now() + this.config.shutdownTimeout;
    const results = await Promise.all(this.listeners.map((listener) => listener.stop(deadline)));
    const forced = results.some(Boolean);
    this.listeners = [];
    this.running = false;
    this._status$.next('stopped');
    this.monitor.publish('app.stopped', { forced });
    return { forced };
  }
}
