import {
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { from, switchMap, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { KarafkaContext } from '../../lib/enhancers/karafka-context.js';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Responds } from '../../lib/responders/responds.decorator.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { RouteRegistry } from '../../lib/routing/route-registry.js';
import type {
  DeserializationInput,
  Deserializer,
} from '../../lib/serialization/serialization.interfaces.js';
import { readIsolated, type IsolatedRead } from '../support/isolation-reader.js';
import { createTopic, eventually, testKafka, uniqueName } from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  produceRaw,
  startKarafkaApp,
} from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

/** Committed offsets; none yet while a fresh broker is not the new group's coordinator. */
function committedSoFar(groupId: string, topic: string): Promise<Record<number, string>> {
  return committedOffsets(groupId, topic).catch((error: unknown) => {
    if ((error as { retriable?: boolean }).retriable) return {};
    throw error;
  });
}
const values = (messages: IsolatedRead[]) => messages.map((m) => m.value);

describe('exactlyOnce routes, on a real broker', () => {
  it('commits each call with its responses, this.producer sends and offsets; a failed call is aborted and retried', async () => {
    const input = uniqueName('eo-in');
    const output = uniqueName('eo-out');
    const audit = uniqueName('eo-audit');
    await createTopic(input, 2);
    await createTopic(output, 2);
    await createTopic(audit, 1);
    await produceRaw(
      input,
      Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: String(i), partition: i % 2 })),
    );
    let failures = 0;

    @Consumer(input, { batch: true, exactlyOnce: true })
    @Responds(output, { multiple: true })
    class DoublingConsumer extends BaseConsumer<number> {
      async consume(messages: Messages<number>): Promise<void> {
        await this.producer.produceSync({
          topic: audit,
          payload: `call ${messages.first!.offset}`,
        });
        if (failures++ === 0) throw new Error('first call fails after sending');
        for (const message of messages) {
          this.respondTo(
            output,
            { id: message.payload, doubled: message.payload * 2 },
            { key: message.key },
          );
        }
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('eo'),
      providers: [DoublingConsumer],
      // No commits of its own: the offsets reach Kafka only through the transactions.
      options: { commit: { interval: 0, threshold: 0 }, pause: { timeout: 100 } },
      record: ['transaction.committed', 'transaction.aborted'],
    });
    apps.push(app);

    const groupId = app.app.get(RouteRegistry).table.routes[0]!.groupId;
    await eventually(
      async () => {
        const offsets = await committedSoFar(groupId, input);
        return offsets[0] === '20' && offsets[1] === '20';
      },
      30_000,
      'the input offsets committed by the transactions',
    );

    const out = await readIsolated(output, 'read_committed', (m) => m.length >= 40);
    const ids = out.map((m) => (JSON.parse(m.value!) as { id: number }).id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const committedAudit = await readIsolated(audit, 'read_committed', (m) => m.length >= 2);
    const allAudit = await readIsolated(audit, 'read_uncommitted', (m) => m.length >= 3);
    // The failed call's send was aborted with it: read_uncommitted readers see one more.
    expect(allAudit.length).toBe(committedAudit.length + 1);
    expect(app.events.filter((e) => e.id === 'transaction.aborted')).toHaveLength(1);
    const committed = app.events.filter(
      (e) => e.id === 'transaction.committed',
    ) as KarafkaEvent<'transaction.committed'>[];
    expect(committed.length).toBe(committedAudit.length);
    expect(new Set(committed.map((e) => e.payload.transactionalId))).toEqual(
      new Set([`${groupId}-${input}-0`, `${groupId}-${input}-1`]),
    );
  });

  it('runs enhancers and async-decoded payloads inside the transaction: what an interceptor sends commits or aborts with the call', async () => {
    const input = uniqueName('eo-chain-in');
    const output = uniqueName('eo-chain-out');
    const audit = uniqueName('eo-chain-audit');
    for (const topic of [input, output, audit]) await createTopic(topic, 1);
    await produceRaw(
      input,
      Array.from({ length: 20 }, (_, n) => ({ value: JSON.stringify({ n }) })),
    );
    let calls = 0;

    class SlowJsonDeserializer implements Deserializer {
      async deserialize({ raw }: DeserializationInput): Promise<unknown> {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return JSON.parse(raw!.toString());
      }
    }

    /** Sends through the context's producer before consume: the call's transaction, if any. */
    @Injectable()
    class AuditInterceptor implements NestInterceptor {
      intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
        const karafka = context.switchToRpc().getContext<KarafkaContext>();
        const sent = karafka
          .getProducer()
          .produceSync({ topic: audit, payload: `before ${karafka.getMessage().offset}` });
        return from(sent).pipe(switchMap(() => next.handle()));
      }
    }

    @Consumer(input, { batch: true, exactlyOnce: true, deserializer: new SlowJsonDeserializer() })
    @Responds(output, { multiple: true })
    @UseInterceptors(AuditInterceptor)
    class ChainedConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        if (calls++ === 0) throw new Error('the first call fails after the interceptor sent');
        for (const message of messages) this.respondTo(output, { doubled: message.payload.n * 2 });
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('eo-chain'),
      providers: [ChainedConsumer],
      options: { commit: { interval: 0, threshold: 0 }, pause: { timeout: 100 } },
      record: ['transaction.committed', 'transaction.aborted'],
    });
    apps.push(app);
    const groupId = app.app.get(RouteRegistry).table.routes[0]!.groupId;
    await eventually(
      async () => (await committedSoFar(groupId, input))[0] === '20',
      30_000,
      'the input offsets committed by the transactions',
    );

    const out = await readIsolated(output, 'read_committed', (m) => m.length >= 20);
    const doubled = out.map((m) => (JSON.parse(m.value!) as { doubled: number }).doubled);
    expect(doubled.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n * 2));
    const committedAudit = await readIsolated(audit, 'read_committed', (m) => m.length >= 1);
    const allAudit = await readIsolated(audit, 'read_uncommitted', (m) => m.length >= 2);
    // The interceptor's send of the failed call was aborted with it.
    expect(allAudit.length).toBe(committedAudit.length + 1);
    const committedCalls = app.events.filter((e) => e.id === 'transaction.committed').length;
    expect(committedAudit.length).toBe(committedCalls);
    expect(app.events.filter((e) => e.id === 'transaction.aborted')).toHaveLength(1);
  });

  it('after a failed call re-reads what the transactions committed: another owner took the id and committed the batch meanwhile', async () => {
    const input = uniqueName('eo-taken-in');
    const output = uniqueName('eo-taken-out');
    for (const topic of [input, output]) await createTopic(topic, 1);
    await produceRaw(
      input,
      ['a', 'b', 'c'].map((value) => ({ value })),
    );
    let calls = 0;
    let inCall!: () => void;
    const entered = new Promise<void>((resolve) => (inCall = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));

    @Consumer(input, { batch: true, exactlyOnce: true })
    @Responds(output, { multiple: true })
    class SlowConsumer extends BaseConsumer<unknown> {
      async consume(messages: Messages<unknown>): Promise<void> {
        if (calls++ === 0) {
          // Adds the output to this call's transaction, then waits while another takes the id.
          await this.producer.produceSync({ topic: output, payload: 'attempt' });
          inCall();
          await gate;
          throw new Error('fails after its transactional id moved to another producer');
        }
        for (const message of messages) this.respondTo(output, message.raw!.toString());
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('eo-taken'),
      providers: [SlowConsumer],
      options: { commit: { interval: 0, threshold: 0 }, pause: { timeout: 100 } },
    });
    apps.push(app);
    const groupId = app.app.get(RouteRegistry).table.routes[0]!.groupId;
    await entered;

    // Another owner (a process that got the partition) claims the id, fencing this one, and
    // commits the three messages' results and offsets.
    const other = testKafka().producer({
      transactionalId: `${groupId}-${input}-0`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await other.connect();
    try {
      const tx = await other.transaction();
      await tx.send({ topic: output, messages: [{ value: 'other owner' }] });
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }],
      });
      await tx.commit();
    } finally {
      await other.disconnect();
    }
    release();

    await eventually(
      async () => (await committedSoFar(groupId, input))[0] === '3',
      30_000,
      "the other owner's offsets",
    );
    const out = await readIsolated(output, 'read_committed', (m) => m.length >= 1, {
      settleMs: 4_000,
    });
    // Retrying from what this process last knew would process a, b, c again.
    expect(values(out)).toEqual(['other owner']);
    expect(calls).toBe(1);
  });

  it('moves a poison message to the dead letter topic in the transaction that commits its skip', async () => {
    const input = uniqueName('eo-dlq-in');
    const output = uniqueName('eo-dlq-out');
    const dlq = uniqueName('eo-dlq');
    for (const topic of [input, output, dlq]) await createTopic(topic, 1);
    await produceRaw(
      input,
      ['1', 'poison', '3'].map((value) => ({ value })),
    );

    @Consumer(input, { exactlyOnce: true, deadLetter: { topic: dlq, maxRetries: 1 } })
    @Responds(output)
    class PickyConsumer extends BaseConsumer<unknown> {
      consume(messages: Messages<unknown>): void {
        const raw = messages.first!.raw!.toString();
        if (raw === 'poison') throw new Error('cannot take it');
        this.respondTo(output, raw);
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('eo-dlq'),
      providers: [PickyConsumer],
      options: { commit: { interval: 0, threshold: 0 }, pause: { timeout: 100 } },
    });
    apps.push(app);
    const groupId = app.app.get(RouteRegistry).table.routes[0]!.groupId;
    await eventually(
      async () => (await committedSoFar(groupId, input))[0] === '3',
      30_000,
      'all three offsets committed',
    );
    expect(values(await readIsolated(dlq, 'read_committed', (m) => m.length >= 1))).toEqual([
      'poison',
    ]);
    expect(values(await readIsolated(output, 'read_committed', (m) => m.length >= 2))).toEqual([
      '1',
      '3',
    ]);
  });

  it('replays after a seek commanded from outside (the web UI) below what its transactions committed', async () => {
    const input = uniqueName('eo-seek-in');
    const output = uniqueName('eo-seek-out');
    for (const topic of [input, output]) await createTopic(topic, 1);
    await produceRaw(
      input,
      ['a', 'b', 'c'].map((value) => ({ value })),
    );
    const seen: string[] = [];

    @Consumer(input, { batch: true, exactlyOnce: true })
    @Responds(output, { multiple: true })
    class ReplayedConsumer extends BaseConsumer<unknown> {
      consume(messages: Messages<unknown>): void {
        for (const message of messages) {
          seen.push(message.raw!.toString());
          this.respondTo(output, message.raw!.toString());
        }
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('eo-seek'),
      providers: [ReplayedConsumer],
      options: { commit: { interval: 0, threshold: 0 }, pause: { timeout: 100 } },
    });
    apps.push(app);
    const groupId = app.app.get(RouteRegistry).table.routes[0]!.groupId;
    await eventually(
      async () => (await committedSoFar(groupId, input))[0] === '3',
      30_000,
      'the first pass committed',
    );
    expect(seen).toEqual(['a', 'b', 'c']);

    const command = { group: groupId, topic: input, partition: 0 } as const;
    expect(app.server.command({ ...command, action: 'seek', offset: '1' })).toBe(true);
    await eventually(() => seen.length === 5, 30_000, 'the replay from offset 1');
    expect(seen).toEqual(['a', 'b', 'c', 'b', 'c']);
    // A replay is reprocessing on purpose: its results are committed again.
    const out = await readIsolated(output, 'read_committed', (m) => m.length >= 5);
    expect(values(out)).toEqual(['a', 'b', 'c', 'b', 'c']);
  });

  it('reads with the isolation level of the route: read_uncommitted routes see aborted messages', async () => {
    const topic = uniqueName('eo-iso');
    await createTopic(topic, 1);
    const seen: Record<string, string[]> = { committed: [], uncommitted: [] };

    @Consumer(topic, { group: 'committed' })
    class CommittedReader extends BaseConsumer<unknown> {
      consume(messages: Messages<unknown>): void {
        for (const m of messages) seen.committed!.push(m.raw!.toString());
      }
    }
    @Consumer(topic, { group: 'uncommitted', isolationLevel: 'read_uncommitted' })
    class UncommittedReader extends BaseConsumer<unknown> {
      consume(messages: Messages<unknown>): void {
        for (const m of messages) seen.uncommitted!.push(m.raw!.toString());
      }
    }

    const app = await startKarafkaApp({
      clientId: uniqueName('eo-iso'),
      providers: [CommittedReader, UncommittedReader],
      options: { producer: { transactionalId: uniqueName('eo-iso-tx') } },
    });
    apps.push(app);
    const producer = app.app.get(Producer);
    await producer
      .transaction(async (tx) => {
        await tx.produceSync({ topic, payload: 'aborted' });
        throw new Error('abort it');
      })
      .catch(() => undefined);
    await producer.produceSync({ topic, payload: 'committed' });

    await eventually(
      () => seen.committed!.length >= 1 && seen.uncommitted!.length >= 2,
      30_000,
      'both readers',
    );
    expect(seen.committed).toEqual(['committed']);
    expect(seen.uncommitted).toEqual(['aborted', 'committed']);
  });
});
