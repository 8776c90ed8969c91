import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { DevCluster } from '../../lib/dev-broker/dev-cluster.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { KarafkaProducerError } from '../../lib/producer/producer.error.js';
import type { ProducerMessage } from '../../lib/producer/producer-message.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { fixture, runCli } from '../cli/cli-runner.js';
import { eventually, kafkaBrokers, testKafka, uniqueName, withAdmin } from '../support/kafka.js';
import { startKarafkaApp } from '../support/karafka-app.js';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';

// Runs on the three-node cluster of test/setup/global-cluster.ts (`npm run test:cluster`).
// The tests run in order and share the cluster: the failover test leaves one node stopped, the
// last one stops another.
// The 20,000 numbered messages, to each of two topics: one written by an idempotent
// producer, one by a plain one. CLUSTER_MESSAGES changes the count.
const MESSAGES = Number(process.env.CLUSTER_MESSAGES ?? 20_000);
const CHUNK = 200;
const KEYS = 10;
const idempotentTopic = uniqueName('failover-idempotent');
const plainTopic = uniqueName('failover-plain');
const lastTopic = uniqueName('min-isr');
// `karafka topics` on the fixture app: Kafka names `<prefix>.alpha` (1 partition), `.beta` (2).
const topicsPrefix = uniqueName('cluster-topics');
const topicsCli = (command: string) =>
  runCli(['--boot', fixture('topics-app.js'), 'topics', command], {
    env: { FIXTURE_PREFIX: topicsPrefix },
  });

interface Consumed {
  topic: string;
  n: number;
  key: string;
  at: number;
}
const consumed: Consumed[] = [];

function record(messages: Messages<{ n: number }>): void {
  const at = Date.now();
  for (const message of messages) {
    consumed.push({ topic: message.topic, n: message.payload.n, key: String(message.key), at });
  }
}

@Consumer(idempotentTopic, { batch: true })
class IdempotentTopicConsumer extends BaseConsumer<{ n: number }> {
  consume(messages: Messages<{ n: number }>): void {
    record(messages);
  }
}

@Consumer(plainTopic, { batch: true })
class PlainTopicConsumer extends BaseConsumer<{ n: number }> {
  consume(messages: Messages<{ n: number }>): void {
    record(messages);
  }
}

async function producerApp(idempotent = true) {
  const module = await Test.createTestingModule({
    imports: [
      KarafkaModule.forRoot({
        clientId: uniqueName(idempotent ? 'cluster-idempotent' : 'cluster-plain'),
        kafka: { brokers: kafkaBrokers() },
        logger: false,
        producer: { acks: -1, idempotent },
      }),
    ],
  }).compile();
  return { producer: module.get(Producer), close: () => module.close() };
}

async function leaderOf(name: string, partition: number): Promise<number> {
  const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [name] }));
  const found = metadata.topics[0]?.partitions.find((p) => p.partitionId === partition);
  if (!found) throw new Error(`no metadata for ${name}/${partition}`);
  return found.leader;
}

/** The group coordinator: the leader of the group's __consumer_offsets partition (Java's hash). */
async function coordinatorOf(groupId: string): Promise<number> {
  let hash = 0;
  for (const char of groupId) hash = (Math.imul(31, hash) + char.charCodeAt(0)) | 0;
  // Kafka's Utils.abs maps MIN_VALUE to 0, then mod offsets.topic.num.partitions (10).
  const partition = (hash === -2147483648 ? 0 : Math.abs(hash)) % 10;
  return leaderOf('__consumer_offsets', partition);
}

/** ms from `since` to the first message the app consumed after it. */
function pauseAfter(since: number): number | undefined {
  const next = consumed.find((entry) => entry.at >= since);
  return next ? next.at - since : undefined;
}

/** What the independent reader found of one producer's acknowledged numbers. */
async function audit(name: string, acknowledged: Set<number>) {
  const end = await withAdmin((admin) => admin.fetchTopicOffsets(name));
  const inTopic = end.reduce((sum, p) => sum + Number(p.high), 0);
  const found = await readNumbers(name, inTopic);
  const counts = new Map<number, number>();
  for (const n of found) counts.set(n, (counts.get(n) ?? 0) + 1);
  return {
    acknowledged: acknowledged.size,
    inTopic,
    found: counts.size,
    missing: [...acknowledged].filter((n) => !counts.has(n)),
    duplicates: [...counts.values()].filter((count) => count > 1).length,
  };
}

/** Keys whose numbers the app first saw out of order (redeliveries after a rejoin skipped). */
function keysOutOfOrder(name: string): number {
  const firstSeen = new Map<string, number[]>();
  const seen = new Set<number>();
  for (const entry of consumed) {
    if (entry.topic !== name || seen.has(entry.n)) continue;
    seen.add(entry.n);
    firstSeen.set(entry.key, [...(firstSeen.get(entry.key) ?? []), entry.n]);
  }
  return [...firstSeen.values()].filter((ns) =>
    ns.some((n, i) => i > 0 && n < (ns[i - 1] as number)),
  ).length;
}

async function residentMiB(): Promise<Record<string, number | undefined>> {
  const status = await DevCluster.status();
  return Object.fromEntries(
    status.nodes.map((node) => [
      `node${node.nodeId}`,
      node.rssBytes === undefined ? undefined : Math.round(node.rssBytes / 2 ** 20),
    ]),
  );
}

describe('a three-node cluster across failovers', () => {
  it('karafka topics migrate creates the declared topics with the cluster replication factor, none under-replicated', async () => {
    const result = await topicsCli('migrate');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`created ${topicsPrefix}.beta (2 partitions`);
    expect(result.stdout).not.toContain('under-replicated');
    // Another broker than the one the CLI asked may not have applied the new topics yet.
    let replicas: number[] = [];
    await eventually(
      async () => {
        const metadata = await withAdmin((admin) =>
          admin.fetchTopicMetadata({ topics: [`${topicsPrefix}.alpha`, `${topicsPrefix}.beta`] }),
        ).catch(() => undefined);
        replicas = (metadata?.topics ?? []).flatMap((topic) =>
          topic.partitions.map((partition) => partition.replicas.length),
        );
        return replicas.length === 3;
      },
      20_000,
      'the metadata of the created topics',
    );
    expect(replicas).toEqual([3, 3, 3]);
  });

  it('karafka info names the three brokers and the controller they report', async () => {
    const result = await runCli(['--boot', fixture('topics-app.js'), 'info', '--json']);
    expect(result.code).toBe(0);
    const { cluster } = JSON.parse(result.stdout) as {
      cluster: { brokers: Array<{ nodeId: number; address: string }>; controller: number };
    };
    expect(cluster.brokers).toEqual(
      (await DevCluster.status()).nodes.map((node) => ({
        nodeId: node.nodeId,
        address: node.brokers,
      })),
    );
    expect([1, 2, 3]).toContain(cluster.controller);
    const text = await runCli(['--boot', fixture('topics-app.js'), 'info']);
    expect(text.stdout).toMatch(/^Cluster {4}\S+ \(3 brokers\)$/m);
    expect(text.stdout).toMatch(/^ {2}broker \d {2}127\.0\.0\.1:\d+ {2}\(controller\)$/m);
  });

  it('loses no acknowledged message (idempotent: exactly once, plain: at least once) while the leader is SIGKILLed and restarted and the coordinator stopped, and a consuming app loses nothing and keeps per-key order', async () => {
    // Both topics on the same replicas, node 1 first: one leader to kill for both.
    await withAdmin((admin) =>
      admin.createTopics({
        topics: [
          { topic: idempotentTopic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] },
          { topic: plainTopic, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] },
          { topic: lastTopic, numPartitions: 1, replicationFactor: 3 },
        ],
        waitForLeaders: true,
      }),
    );
    const consumerClientId = uniqueName('cluster-consumer');
    const app = await startKarafkaApp({
      clientId: consumerClientId,
      providers: [IdempotentTopicConsumer, PlainTopicConsumer],
      record: ['connection.client.crashed', 'rebalance.partitions_assigned', 'error.occurred'],
    });
    const idempotent = await producerApp(true);
    const plain = await producerApp(false);
    const acknowledged = { idempotent: new Set<number>(), plain: new Set<number>() };
    const rejected = { idempotent: 0, plain: 0 };
    const rejections = new Set<string>();
    let killAt = 0;
    let stopAt = 0;
    let slowestAckMs = 0;
    let restart: Promise<unknown> | undefined;
    const killed = await leaderOf(idempotentTopic, 0);
    expect(await leaderOf(plainTopic, 0)).toBe(killed);
    let coordinator = 0;
    const started = Date.now();
    const timeline: Record<string, number> = {};
    try {
      for (let start = 0; start < MESSAGES; start += CHUNK) {
        const progress = start / MESSAGES;
        if (!killAt && progress >= 0.25) {
          await DevCluster.killNode(killed);
          killAt = Date.now();
          timeline.kill = killAt - started;
        }
        if (!restart && progress >= 0.5) restart = DevCluster.startNode(killed);
        if (!stopAt && progress >= 0.75) {
          await restart;
          coordinator = await coordinatorOf(await groupIdOf(consumerClientId));
          timeline.restarted = Date.now() - started;
          await DevCluster.stopNode(coordinator);
          stopAt = Date.now();
          timeline.stopped = stopAt - started;
        }
        const numbers = Array.from(
          { length: Math.min(CHUNK, MESSAGES - start) },
          (_, i) => start + i,
        );
        const batch = (name: string): ProducerMessage[] =>
          numbers.map((n) => ({ topic: name, key: `k${n % KEYS}`, payload: { n } }));
        const sentAt = Date.now();
        const [toIdempotent, toPlain] = await Promise.allSettled([
          idempotent.producer.produceManySync(batch(idempotentTopic)),
          plain.producer.produceManySync(batch(plainTopic)),
        ]);
        slowestAckMs = Math.max(slowestAckMs, Date.now() - sentAt);
        for (const [mode, result] of [
          ['idempotent', toIdempotent],
          ['plain', toPlain],
        ] as const) {
          if (result.status === 'fulfilled') numbers.forEach((n) => acknowledged[mode].add(n));
          else {
            expect(result.reason).toBeInstanceOf(KarafkaProducerError);
            rejected[mode] += numbers.length;
            rejections.add(
              `${mode} at ${Date.now() - started} ms: ${String(result.reason).slice(0, 160)}`,
            );
          }
        }
      }
    } finally {
      await Promise.all([idempotent.close(), plain.close()]);
    }
    const produceMs = Date.now() - started;

    // The independent reader: a plain kafkajs consumer of its own group, from the beginning.
    const auditStarted = Date.now();
    const found = {
      idempotent: await audit(idempotentTopic, acknowledged.idempotent),
      plain: await audit(plainTopic, acknowledged.plain),
    };
    const auditMs = Date.now() - auditStarted;
    const seenBy = (name: string) =>
      new Set(consumed.filter((entry) => entry.topic === name).map((entry) => entry.n));
    const seesAll = (name: string, numbers: Set<number>) => {
      const seen = seenBy(name);
      return [...numbers].every((n) => seen.has(n));
    };
    await eventually(
      () =>
        seesAll(idempotentTopic, acknowledged.idempotent) &&
        seesAll(plainTopic, acknowledged.plain),
      120_000,
      'the consuming app to see every acknowledged message',
    );
    const catchUpMs = Date.now() - auditStarted - auditMs;
    await app.close();
    const distinct = seenBy(idempotentTopic).size + seenBy(plainTopic).size;
    const countOf = (id: string) =>
      app.events.filter((event: KarafkaEvent) => event.id === id).length;
    const errorTypes: Record<string, number> = {};
    for (const event of app.events) {
      if (event.id !== 'error.occurred') continue;
      const type = (event.payload as { type: string }).type;
      errorTypes[type] = (errorTypes[type] ?? 0) + 1;
      if (process.env.CLUSTER_DEBUG) {
        const { error } = event.payload as { error: unknown };
        console.log(
          `[cluster] ${type} at ${event.time.getTime() - started} ms: ${String(error).slice(0, 300)}`,
        );
      }
    }

    const figures = {
      sentPerProducer: MESSAGES,
      idempotent: {
        ...found.idempotent,
        missing: found.idempotent.missing.length,
        rejected: rejected.idempotent,
      },
      plain: { ...found.plain, missing: found.plain.missing.length, rejected: rejected.plain },
      killedLeader: killed,
      stoppedCoordinator: coordinator,
      produceMs,
      slowestAckMs,
      rejections: [...rejections].slice(0, 3),
      timeline,
      auditMs,
      catchUpMs,
      consumer: {
        consumed: consumed.length,
        redelivered: consumed.length - distinct,
        keysOutOfOrder: keysOutOfOrder(idempotentTopic) + keysOutOfOrder(plainTopic),
        pauseAfterLeaderKillMs: pauseAfter(killAt),
        pauseAfterCoordinatorStopMs: pauseAfter(stopAt),
        crashes: countOf('connection.client.crashed'),
        assignments: countOf('rebalance.partitions_assigned'),
        errors: errorTypes,
      },
      rssMiB: await residentMiB(),
    };
    console.log(`[cluster] failover figures ${JSON.stringify(figures)}`);
    if (process.env.CLUSTER_DEBUG) {
      const buckets = new Map<number, number>();
      for (const entry of consumed) {
        const second = Math.floor((entry.at - started) / 5000) * 5;
        buckets.set(second, (buckets.get(second) ?? 0) + 1);
      }
      console.log(`[cluster] consumed per 5 s ${JSON.stringify([...buckets])}`);
    }
    expect(found.idempotent.missing).toEqual([]);
    expect(found.idempotent.duplicates).toBe(0);
    expect(found.plain.missing).toEqual([]);
    expect(figures.consumer.keysOutOfOrder).toBe(0);
    expect(found.idempotent.acknowledged).toBeGreaterThan(MESSAGES / 2);
    expect(found.plain.acknowledged).toBeGreaterThan(MESSAGES / 2);
  });

  it('rejects a produce with two of three nodes down with a KarafkaProducerError naming the topic and NOT_ENOUGH_REPLICAS, instead of hanging', async () => {
    const { producer, close } = await producerApp();
    try {
      await producer.produceSync({ topic: lastTopic, payload: { n: 0 } });
      const status = await DevCluster.status();
      const leader = await leaderOf(lastTopic, 0);
      const other = status.nodes.find((node) => node.running && node.nodeId !== leader);
      if (!other) throw new Error('expected two running nodes');
      await DevCluster.stopNode(other.nodeId);
      const started = Date.now();
      // A hang (not a slow answer) is what this guards against: a minute is far past any retry.
      const error = await Promise.race([
        producer.produceSync({ topic: lastTopic, payload: { n: 1 } }).then(
          () => undefined,
          (failure: unknown) => failure,
        ),
        new Promise((resolve) => setTimeout(() => resolve('still pending after 60 s'), 60_000)),
      ]);
      console.log(
        `[cluster] produce with two nodes down failed after ${Date.now() - started} ms: ${String(error)}`,
      );
      expect(error).toBeInstanceOf(KarafkaProducerError);
      expect((error as Error).message).toContain(lastTopic);
      expect((error as Error).message).toContain('NOT_ENOUGH_REPLICAS');
    } finally {
      await close();
    }
  });

  it('karafka topics list names the under-replicated partitions while two of three nodes are down', async () => {
    const running = (await DevCluster.status()).nodes.filter((node) => node.running);
    expect(running).toHaveLength(1);
    let stdout = '';
    // The stopped nodes leave the in-sync replicas as the controller learns of it: ask a few times.
    for (let attempt = 0; attempt < 5 && stdout.split(': 1 of 3').length < 4; attempt++) {
      stdout = (await topicsCli('list')).stdout;
    }
    for (const partition of ['alpha[0]', 'beta[0]', 'beta[1]']) {
      expect(stdout).toContain(
        `under-replicated ${topicsPrefix}.${partition}: 1 of 3 replicas in sync`,
      );
    }
  });
});

/** The consumer group the app derived from its clientId. */
async function groupIdOf(clientId: string): Promise<string> {
  const { groups } = await withAdmin((admin) => admin.listGroups());
  const ours = groups.find((group) => group.groupId.startsWith(clientId));
  if (!ours) throw new Error(`no consumer group of ${clientId}`);
  return ours.groupId;
}

async function readNumbers(name: string, count: number): Promise<number[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('reader') });
  const got: number[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        got.push((JSON.parse(String(message.value)) as { n: number }).n);
      }
    },
  });
  try {
    await eventually(() => got.length >= count, 60_000, `${count} messages on ${name}`);
    return got;
  } finally {
    await consumer.disconnect();
  }
}
