import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type Admin, type Consumer, type Kafka, type Producer } from 'kafkajs';
import type {
  ErrorReport,
  ProcessHour,
  ProcessReport,
  ProcessSample,
  WebCommand,
} from '../tracking/process-report.js';
import { ensureWebTopics, type KarafkaWebTopics } from '../web-topics.js';
import { TopicReader, type ReadMessage } from './topic-reader.js';
import { WebState } from './web-state.js';

/** Consumer group whose committed offsets mark dead letters read (skip / replay). */
export const DEAD_LETTERS_READ_GROUP = 'karafka_web_dead_letters';

/** A dead-letter action that cannot be done: the message is gone or the request is wrong. */
export class WebActionError extends Error {}

/**
 * The UI's side of Kafka: tails the reports, samples, history and errors topics into a `WebState`
 * (from the start of their retention, so history survives restarts), reads topics for the
 * explorer, replays/skips dead letters and sends commands.
 */
export class WebData {
  readonly state = new WebState();
  readonly reader: TopicReader;
  private consumer?: Consumer;
  private producer?: Producer;
  private adminClient?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    readonly topics: KarafkaWebTopics,
  ) {
    this.reader = new TopicReader(kafka, () => this.admin());
  }

  admin(): Promise<Admin> {
    this.adminClient ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.adminClient = undefined;
      throw error;
    });
    return this.adminClient;
  }

  async start(): Promise<void> {
    await ensureWebTopics(await this.admin(), this.topics);
    // An explicit partitioner: kafkajs warns at start without one.
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    // A group of its own without commits: every UI instance reads everything, the broker
    // forgets the group when the UI stops.
    const consumer = this.kafka.consumer({
      groupId: `karafka_web_ui_${randomBytes(6).toString('hex')}`,
      maxWaitTimeInMs: 200,
    });
    this.consumer = consumer;
    await consumer.connect();
    const { reports, samples, history, errors } = this.topics;
    await consumer.subscribe({
      topics: [reports, samples, history, errors],
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (!message.value) continue;
          try {
            const value = JSON.parse(message.value.toString()) as unknown;
            if (batch.topic === reports) this.state.addReport(value as ProcessReport);
            else if (batch.topic === samples) this.state.addSample(value as ProcessSample);
            else if (batch.topic === history) this.state.addHour(value as ProcessHour);
            else this.state.addError(value as ErrorReport);
          } catch {
            // not ours: ignored
          }
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    const admin = this.adminClient;
    this.adminClient = undefined;
    await admin?.then((client) => client.disconnect()).catch(() => undefined);
  }

  /** Topics of the cluster without Kafka's internal ones, with their partition counts. */
  async topicList(): Promise<Array<{ name: string; partitions: number }>> {
    const metadata = await (await this.admin()).fetchTopicMetadata();
    return metadata.topics
      .filter((t) => !t.name.startsWith('__'))
      .map((t) => ({ name: t.name, partitions: t.partitions.length }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async sendCommand(command: Omit<WebCommand, 'id' | 'at'>): Promise<WebCommand> {
    const full: WebCommand = { ...command, id: randomUUID(), at: Date.now() };
    await this.producer!.send({
      topic: this.topics.commands,
      messages: [{ key: command.process, value: JSON.stringify(full) }],
    });
    return full;
  }

  /** Next unread offset of each partition of a dead-letter topic. */
  async readPositions(topic: string): Promise<Map<number, bigint>> {
    const admin = await this.admin();
    const ranges = await this.reader.ranges(topic);
    const [committed] = await admin.fetchOffsets({
      groupId: DEAD_LETTERS_READ_GROUP,
      topics: [topic],
    });
    const positions = new Map<number, bigint>();
    for (const range of ranges) {
      const offset = committed?.partitions.find((p) => p.partition === range.partition)?.offset;
      const read = offset === undefined || offset === '-1' ? BigInt(range.low) : BigInt(offset);
      positions.set(range.partition, read < BigInt(range.low) ? BigInt(range.low) : read);
    }
    return positions;
  }

  async unreadDeadLetters(topic: string, limit: number): Promise<ReadMessage[]> {
    return this.reader.read(topic, await this.readPositions(topic), limit);
  }

  /** Marks the message and those before it in its partition read. */
  async skipDeadLetter(topic: string, partition: number, offset: string): Promise<void> {
    const positions = await this.readPositions(topic);
    const next = BigInt(offset) + 1n;
    if ((positions.get(partition) ?? 0n) >= next) return;
    await (
      await this.admin()
    ).setOffsets({
      groupId: DEAD_LETTERS_READ_GROUP,
      topic,
      partitions: [{ partition, offset: next.toString() }],
    });
  }

  /**
   * Produces a dead letter to its original topic (key, payload and the app's headers; the
   * `karafka_*` headers of the dead letter dropped), then marks it read.
   */
  async replayDeadLetter(topic: string, partition: number, offset: string): Promise<string> {
    const [message] = await this.reader.read(topic, new Map([[partition, BigInt(offset)]]), 1);
    if (!message || message.offset !== offset) {
      throw new WebActionError(`${topic}/${partition}@${offset} is not in Kafka any more.`);
    }
    const original = message.headers.karafka_original_topic;
    if (!original) {
      throw new WebActionError(
        `${topic}/${partition}@${offset} has no karafka_original_topic header: not a dead letter of nestjs-karafka.`,
      );
    }
    const group = message.headers.karafka_original_consumer_group;
    const route = this.state
      .routes()
      .find((r) => r.topic === original && (group === undefined || r.group === group));
    const target = route?.kafkaTopic ?? original;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers)) {
      if (!name.startsWith('karafka_')) headers[name] = value;
    }
    headers.karafka_replayed_from = `${topic}/${partition}@${offset}`;
    await this.producer!.send({
      topic: target,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    await this.skipDeadLetter(topic, partition, offset);
    return target;
  }
}
