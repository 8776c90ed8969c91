import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';

/** A message read by the explorer or the dead-letter pages. */
export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Low/high watermark of a partition. */
export interface PartitionRange {
  partition: number;
  low: string;
  high: string;
}

const READ_TIMEOUT_MS = 10_000;

/**
 * Reads messages at given offsets without joining any app's consumer group: a short-lived
 * kafkajs consumer in a group of its own (no commits, so the broker forgets the group), seeked
 * to the wanted offsets, stopped once it has them. kafkajs has no group-less fetch.
 */
export class TopicReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
  ) {}

  async ranges(topic: string): Promise<PartitionRange[]> {
    const offsets = await (await this.admin()).fetchTopicOffsets(topic);
    return offsets
      .map((o) => ({ partition: o.partition, low: o.low, high: o.high }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** The first offset at or after `time` (epoch ms) per partition. */
  async offsetAt(topic: string, partition: number, time: number): Promise<string> {
    const offsets = await (await this.admin()).fetchTopicOffsetsByTimestamp(topic, time);
    return offsets.find((o) => o.partition === partition)?.offset ?? '0';
  }

  /**
   * Up to `limit` messages of each partition in `from`, starting at its offset (clamped to the
   * partition's range). Partitions with nothing there are left out.
   */
  async read(topic: string, from: Map<number, bigint>, limit: number): Promise<ReadMessage[]> {
    const ranges = await this.ranges(topic);
    const wanted = new Map<number, { next: bigint; end: bigint }>();
    for (const range of ranges) {
      const start = from.get(range.partition);
      if (start === undefined) continue;
      const low = BigInt(range.low);
      const high = BigInt(range.high);
      const next = start < low ? low : start;
      const end = next + BigInt(limit) < high ? next + BigInt(limit) : high;
      if (next < end) wanted.set(range.partition, { next, end });
    }
    if (!wanted.size) return [];
    const consumer = this.kafka.consumer({
      groupId: `karafka_web_reader_${randomBytes(6).toString('hex')}`,
      maxWaitTimeInMs: 50,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
    });
    const out: ReadMessage[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`Reading ${topic} took longer than ${READ_TIMEOUT_MS} ms`)),
          READ_TIMEOUT_MS,
        );
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const state = wanted.get(batch.partition);
              if (!state) return;
              for (const message of batch.messages) {
                const offset = BigInt(message.offset);
                if (offset < state.next || offset >= state.end) continue;
                out.push({
                  topic,
                  partition: batch.partition,
                  offset: message.offset,
                  timestamp: message.timestamp,
                  key: message.key ?? null,
                  value: message.value ?? null,
                  headers: headersOf(message.headers),
                });
                state.next = offset + 1n;
              }
              // Compacted or transactional topics have gaps: the batch's last offset counts too.
              const last = BigInt(batch.lastOffset());
              if (last + 1n > state.next) state.next = last + 1n;
              if (state.next >= state.end) wanted.delete(batch.partition);
              if (!wanted.size) done();
            },
          })
          .catch(reject);
        for (const [partition, state] of wanted) {
          consumer.seek({ topic, partition, offset: state.next.toString() });
        }
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
    return out.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }
}

function headersOf(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== null) out[name] = String(first);
  }
  return out;
}
