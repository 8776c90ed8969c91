import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Monitor } from '../instrumentation/monitor.js';
import { Producer } from '../producer/producer.js';
import { KarafkaServer } from '../server/karafka.server.js';
import { servePlainHttp } from '../utils/plain-http-server.js';
import { KARAFKA_METRICS_OPTIONS, type KarafkaMetricsOptions } from './karafka-metrics.options.js';

/** Content type of the Prometheus text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const CONSUME_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type Child<T extends { labels(...values: string[]): unknown }> = ReturnType<T['labels']>;

/**
 * Prometheus metrics of nestjs-karafka (prom-client). Counters and histograms follow the
 * monitor's events; lag, paused partitions and buffered messages are read from the server's
 * runtime snapshot and the producer at scrape time. Label sets are bounded by the app's routes
 * (group, topic, partition) and the fixed error types, never by message content.
 */
@Injectable()
export class KarafkaMetrics implements OnModuleInit, OnApplicationShutdown {
  /** The registry the metrics live in (the app may add its own metrics to it). */
  readonly registry: Registry;
  private readonly consumed: Counter;
  private readonly consumeDuration: Histogram;
  private readonly produced: Counter;
  private readonly ackDuration: Histogram;
  private readonly errors: Counter;
  private readonly deadLetters: Counter;
  private readonly rebalances: Counter;
  private readonly unsubscribe: Array<() => void> = [];
  // prom-client hashes the label values on every call; children are cached per label set.
  private readonly consumedChildren = new Map<string, Child<Counter>>();
  private readonly durationChildren = new Map<string, Child<Histogram>>();
  private readonly producedChildren = new Map<string, Child<Counter>>();
  private lagTimer?: NodeJS.Timeout;
  private ownServer?: { port: number; close(): Promise<void> };

  constructor(
    @Inject(KARAFKA_METRICS_OPTIONS) private readonly options: KarafkaMetricsOptions,
    private readonly monitor: Monitor,
    private readonly server: KarafkaServer,
    private readonly producer: Producer,
  ) {
    const registry = (this.registry = options.registry ?? new Registry());
    const prefix = options.prefix ?? 'karafka_';
    const registers = [registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
    this.consumed = new Counter({
      name: `${prefix}messages_consumed_total`,
      help: 'Messages consumed (consume returned without error), per group, topic and partition.',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.consumeDuration = new Histogram({
      name: `${prefix}consume_duration_seconds`,
      help: 'Duration of successful consume calls (with their responders), per route.',
      labelNames: ['group', 'topic'],
      buckets: options.consumeBuckets ?? CONSUME_BUCKETS,
      registers,
    });
    this.produced = new Counter({
      name: `${prefix}messages_produced_total`,
      help: 'Messages produced and acknowledged by the broker, per topic.',
      labelNames: ['topic'],
      registers,
    });
    this.ackDuration = new Histogram({
      name: `${prefix}producer_ack_duration_seconds`,
      help: 'Time from sending a produce request to the broker acknowledging it.',
      buckets: options.ackBuckets ?? ACK_BUCKETS,
      registers,
    });
    this.errors = new Counter({
      name: `${prefix}errors_total`,
      help: 'Errors by type (the error.occurred types of the monitor).',
      labelNames: ['type'],
      registers,
    });
    this.deadLetters = new Counter({
      name: `${prefix}dead_letter_dispatches_total`,
      help: 'Messages sent to a dead letter topic, per group and route topic.',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.rebalances = new Counter({
      name: `${prefix}rebalances_total`,
      help: 'Rebalances that assigned or revoked partitions of this member, per group.',
      labelNames: ['group', 'change'],
      registers,
    });
    const snapshot = () => this.server.snapshot();
    new Gauge({
      name: `${prefix}consumer_lag`,
      help: 'Messages behind the high watermark, per group, topic and assigned partition.',
      labelNames: ['group', 'topic', 'partition'],
      registers,
      collect() {
        this.reset();
        for (const group of snapshot().groups) {
          for (const p of group.partitions) {
            if (p.lag === undefined) continue;
            this.set({ group: group.id, topic: p.topic, partition: String(p.partition) }, p.lag);
          }
        }
      },
    });
    new Gauge({
      name: `${prefix}partitions_paused`,
      help: 'Assigned partitions paused (backoff after a failure, or pause()), per group and topic.',
      labelNames: ['group', 'topic'],
      registers,
      collect() {
        this.reset();
        for (const group of snapshot().groups) {
          for (const topic of group.topics) this.set({ group: group.id, topic }, 0);
          for (const p of group.partitions) {
            if (p.paused) this.inc({ group: group.id, topic: p.topic });
          }
        }
      },
    });
    const pending = () => this.producer;
    new Gauge({
      name: `${prefix}producer_buffered_messages`,
      help: 'Messages held by the producer: collected by buffer() (buffer) or queued by produceAsync and not acknowledged (async).',
      labelNames: ['kind'],
      registers,
      collect() {
        this.set({ kind: 'buffer' }, pending().bufferSize);
        this.set({ kind: 'async' }, pending().pendingAsync);
      },
    });
  }

  /** The own port's number, when `port` was given (after the module started). */
  get port(): number | undefined {
    return this.ownServer?.port;
  }

  /** The metrics in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Subscribes to the monitor, starts the lag refresh and, with `port`, the own server. */
  async onModuleInit(): Promise<void> {
    const { monitor } = this;
    this.unsubscribe.push(
      monitor.subscribe('consumer.consumed', ({ payload, duration }) => {
        const key = `${payload.group}\u0000${payload.topic}`;
        const partitionKey = `${key}\u0000${payload.partition}`;
        let consumed = this.consumedChildren.get(partitionKey);
        if (!consumed) {
          consumed = this.consumed.labels(payload.group, payload.topic, String(payload.partition));
          this.consumedChildren.set(partitionKey, consumed);
        }
        consumed.inc(payload.count);
        let timing = this.durationChildren.get(key);
        if (!timing) {
          timing = this.consumeDuration.labels(payload.group, payload.topic);
          this.durationChildren.set(key, timing);
        }
        if (duration !== undefined) timing.observe(duration / 1000);
      }),
      monitor.subscribe('message.acknowledged', ({ payload, duration }) => {
        const topic = payload.report.topic;
        let produced = this.producedChildren.get(topic);
        if (!produced) {
          produced = this.produced.labels(topic);
          this.producedChildren.set(topic, produced);
        }
        produced.inc();
        if (duration !== undefined) this.ackDuration.observe(duration / 1000);
      }),
      monitor.subscribe('error.occurred', ({ payload }) => this.errors.inc({ type: payload.type })),
      monitor.subscribe('dead_letter_queue.dispatched', ({ payload }) =>
        this.deadLetters.inc({ group: payload.group, topic: payload.topic }),
      ),
      monitor.subscribe('rebalance.partitions_assigned', ({ payload }) =>
        this.rebalances.inc({ group: payload.group, change: 'assigned' }),
      ),
      monitor.subscribe('rebalance.partitions_revoked', ({ payload }) =>
        this.rebalances.inc({ group: payload.group, change: 'revoked' }),
      ),
    );
    const interval = this.options.lagInterval ?? 15_000;
    if (interval > 0) {
      // A failed refresh (broker away) leaves the last values; the next tick tries again.
      this.lagTimer = setInterval(
        () => void this.server.refreshLag().catch(() => undefined),
        interval,
      );
      this.lagTimer.unref();
    }
    if (this.options.port !== undefined) {
      const path = `/${(this.options.path ?? 'metrics').replace(/^\/+/, '')}`;
      this.ownServer = await servePlainHttp(this.options.host ?? '127.0.0.1', this.options.port, {
        [path]: async () => ({
          status: 200,
          contentType: PROMETHEUS_CONTENT_TYPE,
          body: await this.metrics(),
        }),
      });
    }
  }

  /** Stops the refresh, unsubscribes and closes the own server. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    this.unsubscribe.splice(0).forEach((off) => off());
    await this.ownServer?.close();
    this.ownServer = undefined;
  }
}
