import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCommitted } from '../support/isolation-reader.js';
import { createTopic, kafkaBrokers, testKafka, uniqueName, withAdmin } from '../support/kafka.js';
import { committedOffsets } from '../support/karafka-app.js';

const MESSAGES = 20_000;
const PARTITIONS = 4;
const WORKER = fileURLToPath(new URL('./fixtures/exactly-once-worker.js', import.meta.url));

/** One worker process: started, and later killed (SIGKILL) or stopped (SIGTERM). */
class Worker {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  output = '';

  constructor(
    readonly name: string,
    env: Record<string, string>,
  ) {
    this.process = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    this.process.kill('SIGTERM');
    await this.exited;
  }
}

async function produceInput(topic: string): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  try {
    for (let start = 0; start < MESSAGES; start += 2_000) {
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 2_000 }, (_, i) => ({
          key: `k${start + i}`,
          value: JSON.stringify({ id: start + i }),
          partition: (start + i) % PARTITIONS,
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Input messages whose offsets the group committed (through the workers' transactions). */
async function consumed(groupId: string, topic: string): Promise<number> {
  const offsets = await committedOffsets(groupId, topic);
  return Object.values(offsets).reduce((sum, offset) => sum + Math.max(0, Number(offset)), 0);
}

async function until(check: () => Promise<boolean>, what: string, timeout = 90_000) {
  const deadline = Date.now() + timeout;
  // A fresh broker may answer "not the coordinator" for a new group for a moment: ask again.
  const ready = () =>
    check().catch((error: unknown) => {
      if ((error as { retriable?: boolean }).retriable) return false;
      throw error;
    });
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('exactly-once under chaos (SIGKILLed and rebalanced worker processes)', () => {
  it(`transforms ${MESSAGES} messages into exactly ${MESSAGES} committed results`, async () => {
    const input = uniqueName('chaos-in');
    const output = uniqueName('chaos-out');
    const clientId = uniqueName('chaos');
    const groupId = `${clientId}_app`;
    await createTopic(input, PARTITIONS);
    await createTopic(output, PARTITIONS);
    await produceInput(input);
    const env = {
      KAFKA_BROKERS: kafkaBrokers().join(','),
      CHAOS_INPUT: input,
      CHAOS_OUTPUT: output,
      CHAOS_CLIENT_ID: clientId,
      CHAOS_DELAY_MS: '40',
    };
    const progress = (at: number) =>
      until(async () => (await consumed(groupId, input)) >= at, `${at} consumed`);
    let kills = 0;
    const started = Date.now();

    let a = new Worker('a1', env);
    await progress(2_500);
    await a.kill(); // kill 1: mid-stream, transactions open
    kills++;
    a = new Worker('a2', env);
    await progress(6_000);
    let b = new Worker('b1', env); // a second process: the partitions are rebalanced between them
    await progress(10_000);
    await a.kill(); // kill 2: while sharing the partitions with b
    kills++;
    a = new Worker('a3', env);
    await progress(14_000);
    await b.kill(); // kill 3
    kills++;
    b = new Worker('b2', env);
    await progress(MESSAGES);
    await Promise.all([a.stop(), b.stop()]);

    const results = await readCommitted(output, (m) => m.length >= MESSAGES, {
      settleMs: 2_000,
      timeout: 60_000,
    });
    const ids = results.map((m) => (JSON.parse(m.value!) as { id: number }).id);
    const unique = new Set(ids);
    const duplicates = ids.length - unique.size;
    let lost = 0;
    for (let id = 0; id < MESSAGES; id++) if (!unique.has(id)) lost++;
    const aborted = await withAdmin(async (admin) =>
      (await admin.fetchTopicOffsets(output)).reduce((sum, p) => sum + Number(p.high), 0),
    );
    console.log(
      `[chaos] ${MESSAGES} messages, ${kills} SIGKILLs, 1 rebalance between two processes, ` +
        `${results.length} committed results, ${duplicates} duplicates, ${lost} lost ` +
        `(output log end ${aborted}: aborted attempts and transaction markers), ${Date.now() - started} ms`,
    );
    expect(kills).toBeGreaterThanOrEqual(3);
    // On failure, where the duplicates sit (output partition and offset of both copies).
    const firstAt = new Map<number, string>();
    const doubled: string[] = [];
    for (const [i, id] of ids.entries()) {
      const at = `p${results[i]!.partition}@${results[i]!.offset}`;
      if (firstAt.has(id)) doubled.push(`id ${id}: ${firstAt.get(id)} and ${at}`);
      else firstAt.set(id, at);
    }
    expect(duplicates, doubled.slice(0, 5).join('; ')).toBe(0);
    expect(lost).toBe(0);
    expect(results).toHaveLength(MESSAGES);
    expect(
      ids.every((id, i) => results[i]!.value === JSON.stringify({ id, squared: id * id })),
    ).toBe(true);
  }, 240_000);
});
