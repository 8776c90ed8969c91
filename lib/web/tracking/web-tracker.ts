import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Partitioners, type Consumer, type Producer as KafkaProducer } from 'kafkajs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KARAFKA_CONFIG } from '../../karafka.constants.js';
import type { KarafkaConfig } from '../../config/karafka-config.js';
import { KafkaClientFactory } from '../../connection/kafka-client.factory.js';
import { Monitor } from '../../instrumentation/monitor.js';
import { RoutesExplorer } from '../../routing/routes-explorer.js';
import { KarafkaServer } from '../../server/karafka.server.js';
import { packageVersion } from '../../utils/package-root.js';
import { KARAFKA_WEB_OPTIONS, type KarafkaWebOptions } from '../karafka-web.options.js';
import { DEFAULT_WEB_TOPICS, ensureWebTopics, type KarafkaWebTopics } from '../web-topics.js';
import type {
  ErrorReport,
  ProcessHour,
  ProcessReport,
  ProcessSample,
  ReportedRoute,
  WebCommand,
} from './process-report.js';
import { reportGroups, reportRoutes, timingKey } from './report-builder.js';

/**
 * Publishes what this process does to Kafka for the web UI: a report of the server's runtime
 * snapshot every `interval`, a small sample and the hour's totals for the charts, every
 * `error.occurred`; and, with
 * `commands: true`, applies the UI's pause/resume/seek commands addressed to this process.
 * Counts since the last report come from monitor events; the core keeps no counters for it.
 */
@Injectable()
export class WebTracker implements OnModuleInit, OnApplicationShutdown {
  /** This process in the reports: host, pid and a random suffix (pids repeat in containers). */
  readonly processId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger('KarafkaWeb');
  private readonly topics: KarafkaWebTopics;
  private readonly startedAt = Date.now();
  private readonly timings = new Map<string, number>();
  private readonly unsubscribe: Array<() => void> = [];
  private counts = { consumed: 0, produced: 0, errors: 0 };
  /** This process's totals of the current hour, republished with every report. */
  private hour?: ProcessHour;
  private routes: ReportedRoute[] = [];
  private producer?: KafkaProducer;
  private commandConsumer?: Consumer;
  private timer?: NodeJS.Timeout;
  private sending?: Promise<void>;

  constructor(
    @Inject(KARAFKA_WEB_OPTIONS) private readonly options: KarafkaWebOptions,
    @Inject(KARAFKA_CONFIG) private readonly config: KarafkaConfig,
    private readonly server: KarafkaServer,
    private readonly monitor: Monitor,
    private readonly clients: KafkaClientFactory,
    private readonly moduleRef: ModuleRef,
  ) {
    this.topics = { ...DEFAULT_WEB_TOPICS, ...options.topics };
  }

  /** Subscribes to the monitor, creates missing web topics, starts reporting (and commands). */
  async onModuleInit(): Promise<void> {
    if (this.options.tracking === false) return;
    const { monitor } = this;
    this.unsubscribe.push(
      monitor.subscribe('consumer.consumed', ({ payload, duration }) => {
        this.counts.consumed += payload.count;
        if (duration !== undefined) {
          this.timings.set(timingKey(payload.group, payload.topic, payload.partition), duration);
        }
      }),
      monitor.subscribe('message.acknowledged', ({ payload }) => {
        // Our own reports are no traffic of the app.
        if (!Object.values(this.topics).includes(payload.report.topic)) this.counts.produced++;
      }),
      monitor.subscribe('error.occurred', (event) => {
        this.counts.errors++;
        this.publishError(event.payload, event.time);
      }),
    );
    const kafka = this.clients.create('web');
    // An explicit partitioner: kafkajs warns at start without one.
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureWebTopics(admin, this.topics);
      await this.producer.connect();
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const table = await this.moduleRef.get(RoutesExplorer, { strict: false }).ensureBuilt();
    this.routes = reportRoutes(table);
    if (this.options.commands && !this.options.readOnly) await this.listenForCommands();
    this.timer = setInterval(() => void this.report(), this.options.interval ?? 5_000);
    this.timer.unref();
  }

  /** Publishes a report now (also after a command, so the UI sees it applied at once). */
  report(): Promise<void> {
    // One at a time: a slow broker must not pile reports up.
    this.sending ??= this.send().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async send(): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    const snapshot = this.server.snapshot();
    const { consumed, produced, errors } = this.counts;
    this.counts = { consumed: 0, produced: 0, errors: 0 };
    const memory = process.memoryUsage();
    const report: ProcessReport = {
      schema: 1,
      id: this.processId,
      host: hostname(),
      pid: process.pid,
      clientId: this.config.clientId,
      version: packageVersion(),
      startedAt: this.startedAt,
      at: snapshot.takenAt.getTime(),
      interval: this.options.interval ?? 5_000,
      status: snapshot.status,
      memory: { rss: memory.rss, heapUsed: memory.heapUsed },
      consumed,
      produced,
      errors,
      commands: Boolean(this.options.commands && !this.options.readOnly),
      groups: reportGroups(snapshot, this.timings),
      routes: this.routes,
    };
    const lag = report.groups.reduce(
      (sum, group) => sum + group.partitions.reduce((s, p) => s + (p.lag ?? 0), 0),
      0,
    );
    const sample: ProcessSample = { id: report.id, at: report.at, consumed, produced, errors, lag };
    const hour = this.addToHour(sample);
    try {
      await producer.sendBatch({
        topicMessages: [
          {
            topic: this.topics.reports,
            messages: [{ key: report.id, value: JSON.stringify(report) }],
          },
          {
            topic: this.topics.samples,
            messages: [{ key: report.id, value: JSON.stringify(sample) }],
          },
          {
            topic: this.topics.history,
            messages: [{ key: `${report.id}@${hour.hour}`, value: JSON.stringify(hour) }],
          },
        ],
      });
    } catch (error) {
      // The next interval tries again; the counts of this one are lost, not the process.
      this.logger.warn(`Could not publish the web report: ${(error as Error).message}`);
    }
  }

  /**
   * Adds a sample to the current hour's totals (a new hour starts from zero). Totals, not
   * deltas: a report that fails to publish loses nothing of the hour, the next one carries it.
   */
  private addToHour(sample: ProcessSample): ProcessHour {
    const start = Math.floor(sample.at / HOUR) * HOUR;
    if (this.hour?.hour !== start) {
      this.hour = { id: sample.id, hour: start, consumed: 0, produced: 0, errors: 0, lag: 0 };
    }
    this.hour.consumed += sample.consumed;
    this.hour.produced += sample.produced;
    this.hour.errors += sample.errors;
    this.hour.lag = sample.lag;
    return { ...this.hour };
  }

  private publishError(
    payload: {
      type: string;
      error: unknown;
      group?: string;
      topic?: string;
      partition?: number;
      consumer?: string;
    },
    time: Date,
  ): void {
    const error = payload.error;
    const report: ErrorReport = {
      process: this.processId,
      at: time.getTime(),
      type: payload.type,
      errorClass: error instanceof Error ? error.constructor.name : typeof error,
      message: (error instanceof Error ? error.message : String(error)).slice(0, 10_000),
      stack: error instanceof Error ? error.stack?.slice(0, 20_000) : undefined,
      group: payload.group,
      topic: payload.topic,
      kafkaTopic: this.routes.find((r) => r.group === payload.group && r.topic === payload.topic)
        ?.kafkaTopic,
      partition: payload.partition,
      offset: offsetOf(error),
      retryFrom: this.firstUnprocessed(payload.group, payload.topic, payload.partition),
      consumer: payload.consumer,
    };
    void this.producer
      ?.send({
        topic: this.topics.errors,
        messages: [{ key: this.processId, value: JSON.stringify(report) }],
      })
      .catch(() => undefined);
  }

  /** From the runtime snapshot: the offset after the last marked one, else the committed one. */
  private firstUnprocessed(
    group: string | undefined,
    topic: string | undefined,
    partition: number | undefined,
  ): string | undefined {
    if (group === undefined || topic === undefined || partition === undefined) return undefined;
    const found = this.server
      .snapshot()
      .groups.find((g) => g.id === group)
      ?.partitions.find((p) => p.topic === topic && p.partition === partition);
    if (found?.markedOffset !== undefined) return (BigInt(found.markedOffset) + 1n).toString();
    const committed = found?.committedOffset;
    return committed === undefined || committed === '-1' ? undefined : committed;
  }

  private async listenForCommands(): Promise<void> {
    // A group of its own per process: every process reads every command and applies its own.
    const consumer = this.clients.create('web-commands').consumer({
      groupId: `karafka_web_commands_${this.processId.replace(/[^A-Za-z0-9._-]/g, '_')}`,
    });
    this.commandConsumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.commands, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const command = parseCommand(message.value);
        if (!command || command.process !== this.processId) return;
        const applied = this.server.command(command);
        this.logger.log(
          `Command ${command.action} ${command.topic}/${command.partition}` +
            `${command.offset === undefined ? '' : ` to ${command.offset}`}: ${applied ? 'applied' : 'partition not assigned here'}`,
        );
        await this.report();
      },
    });
    // Commands sent before this member joined are not for it: wait for the join.
    await new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
      setTimeout(resolve, 10_000).unref();
    });
  }

  /** Publishes a last report (status stopped) and disconnects. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe.splice(0).forEach((off) => off());
    await this.commandConsumer?.disconnect().catch(() => undefined);
    if (this.producer) {
      await this.report().catch(() => undefined);
      await this.producer.disconnect().catch(() => undefined);
    }
    this.producer = undefined;
  }
}

const HOUR = 3_600_000;

function offsetOf(error: unknown): string | undefined {
  const offset = (error as { offset?: unknown } | undefined)?.offset;
  return typeof offset === 'string' ? offset : undefined;
}

function parseCommand(value: Buffer | null): WebCommand | undefined {
  if (!value) return undefined;
  try {
    const command = JSON.parse(value.toString()) as WebCommand;
    return ['pause', 'resume', 'seek'].includes(command.action) ? command : undefined;
  } catch {
    return undefined;
  }
}
