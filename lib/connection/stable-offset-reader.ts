import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { KarafkaError } from '../errors/karafka.error.js';
import {
  decodeStableOffsetFetch,
  encodeStableOffsetFetch,
  OFFSET_FETCH_API_KEY,
  OFFSET_FETCH_STABLE_VERSION,
  UNSTABLE_OFFSET_COMMIT,
} from './offset-fetch-v7.js';

/** The part of a kafkajs broker connection pool used to send a request kafkajs has no encoder for. */
interface RawRequestSender {
  send(protocolRequest: {
    request: {
      apiKey: number;
      apiVersion: number;
      apiName: string;
      encode(): Promise<{ buf: Buffer; buffer: Buffer }>;
    };
    response: { decode(payload: Buffer): Promise<Buffer>; parse(body: Buffer): Promise<Buffer> };
  }): Promise<Buffer>;
}

/** The part of kafkajs' internal cluster used here (kafkajs exposes no raw request API). */
interface KafkaCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string }): Promise<{
    connectionPool: RawRequestSender;
    versions?: Record<number, { maxVersion: number }>;
  }>;
}

type ClusterFactory = (options: Record<string, never>) => KafkaCluster;

/** Coordinator errors after which asking again (a new coordinator lookup) is the answer. */
const RETRIABLE_GROUP_ERRORS = new Set([
  UNSTABLE_OFFSET_COMMIT,
  14, // COORDINATOR_LOAD_IN_PROGRESS
  15, // COORDINATOR_NOT_AVAILABLE
  16, // NOT_COORDINATOR
]);

/** A transaction's offsets stay pending for milliseconds; a coordinator move takes seconds. */
const RETRY_DELAY_MS = 20;
const GIVE_UP_AFTER_MS = 60_000;

/**
 * Reads a group's committed offsets with `require_stable` (OffsetFetch v7, KIP-447): never an
 * offset a transaction that already committed is about to move. Exactly-once routes read the
 * offset their new partition continues from through this; the plain kafkajs read can answer
 * the offset from before the previous owner's last transaction and so process it again.
 */
export class StableOffsetReader {
  private cluster?: KafkaCluster;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
  ) {}

  /** The committed offset of one partition (undefined: none committed). */
  async committedOffset(topic: string, partition: number): Promise<string | undefined> {
    const cluster = await this.connected();
    const body = encodeStableOffsetFetch(this.groupId, new Map([[topic, [partition]]]));
    const deadline = Date.now() + GIVE_UP_AFTER_MS;
    for (;;) {
      const coordinator = await cluster.findGroupCoordinator({ groupId: this.groupId });
      const supported = coordinator.versions?.[OFFSET_FETCH_API_KEY]?.maxVersion;
      if (supported !== undefined && supported < OFFSET_FETCH_STABLE_VERSION) {
        throw new KarafkaError(
          `The group coordinator answers OffsetFetch up to v${supported}; exactly-once routes ` +
            `need v${OFFSET_FETCH_STABLE_VERSION} (Kafka 2.5 or newer) to read committed offsets safely.`,
        );
      }
      const answer = decodeStableOffsetFetch(
        await coordinator.connectionPool.send({
          request: {
            apiKey: OFFSET_FETCH_API_KEY,
            apiVersion: OFFSET_FETCH_STABLE_VERSION,
            apiName: 'OffsetFetch',
            encode: () => Promise.resolve({ buf: body, buffer: body }),
          },
          response: {
            decode: (payload) => Promise.resolve(payload),
            parse: (b) => Promise.resolve(b),
          },
        }),
      );
      const entry = answer.partitions.find((p) => p.topic === topic && p.partition === partition);
      const errorCode = answer.errorCode || entry?.errorCode || 0;
      if (errorCode === 0) {
        return entry === undefined || entry.offset < 0n ? undefined : entry.offset.toString();
      }
      if (!RETRIABLE_GROUP_ERRORS.has(errorCode) || Date.now() > deadline) {
        throw new KarafkaError(
          `Reading the committed offset of ${topic}[${partition}] for group "${this.groupId}" ` +
            `failed with Kafka error code ${errorCode}; the partition is claimed again by its next batch.`,
        );
      }
      await sleep(RETRY_DELAY_MS);
    }
  }

  async close(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = undefined;
    await cluster?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<KafkaCluster> {
    if (this.cluster) return this.cluster;
    // kafkajs keeps its cluster factory behind a symbol; it is the only way to reach a broker
    // connection (with the app's SSL/SASL settings) for a request kafkajs cannot encode.
    const key = Object.getOwnPropertySymbols(this.kafka).find(
      (symbol) => symbol.description === 'private:Kafka:createCluster',
    );
    const create =
      key && (this.kafka as unknown as Record<symbol, ClusterFactory | undefined>)[key];
    if (typeof create !== 'function') {
      throw new KarafkaError(
        'This kafkajs version hides its cluster differently: exactly-once routes need kafkajs 2.2.',
      );
    }
    const cluster = create({});
    await cluster.connect();
    this.cluster = cluster;
    return cluster;
  }
}
