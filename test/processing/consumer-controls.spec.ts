import { describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer, type OnRevoked } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaError } from '../../lib/errors/karafka.error.js';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import {
  appsClosedAfterEach,
  committedOffsets,
  produceRaw,
  sleep,
  startKarafkaApp,
} from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

describe('BaseConsumer controls on a real broker', () => {
  it('pause(ms) stops the partition after the current message and resumes where it stopped', async () => {
    const topic = uniqueName('pause');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 6 }, (_, i) => ({ value: JSON.stringify({ n: i }) })),
    );
    const seen: Array<{ n: number; at: number }> = [];

    @Consumer(topic)
    class PausingConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        const n = messages.first!.payload.n;
        seen.push({ n, at: Date.now() });
        if (n === 2) this.pause(800);
      }
    }

    const app = await startKarafkaApp({ clientId: uniqueName('c'), providers: [PausingConsumer] });
    apps.push(app);
    await eventually(() => seen.length >= 6, 20_000, 'six messages');
    expect(seen.map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen[3]!.at - seen[2]!.at).toBeGreaterThanOrEqual(750);
  });

  it('seek(offset) makes the next batch start at that offset', async () => {
    const topic = uniqueName('seek');
    await createTopic(topic, 1);
    await produceRaw(
      topic,
      Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ n: i }) })),
    );
    const seen: number[] = [];
    let rewound = false;

    @Consumer(topic)
    class SeekingConsumer extends BaseConsumer<{ n: number }> {
      consume(messages: Messages<{ n: number }>): void {
        const n = messages.first!.payload.n;
        seen.push(n);
        if (n === 3 && !rewound) {
          rewound = true;
          this.seek(1);
        }
      }
    }

    const app = await startKarafkaApp({ clientId: uniqueName('c'), providers: [SeekingConsumer] });
    apps.push(app);
    await eventually(() => seen.length >= 8, 20_000, 'the replay');
    await sleep(300);
    expect(seen).toEqual([0, 1, 2, 3, 1, 2, 3, 4]);
  });

  it('on a rebalance: commits what was marked, calls onRevoked, and the new owner does not redo it', async () => {
    const topic = uniqueName('revoke');
    const clientId = uniqueName('c');
    await createTopic(topic, 2);
    await produceRaw(topic, [
      { partition: 0, value: '{}' },
      { partition: 1, value: '{}' },
    ]);
    const revoked: number[] = [];
    const consumed: number[] = [];

    @Consumer(topic, { batch: true })
    class RevokableConsumer extends BaseConsumer implements OnRevoked {
      consume(): void {
        consumed.push(this.partition);
      }
      onRevoked(): void {
        revoked.push(this.partition);
      }
    }

    // No interval commits: only the rebalance can commit what the first member marked.
    const options = { commit: { interval: 600_000, threshold: 0 } };
    const first = await startKarafkaApp({
      clientId,
      providers: [RevokableConsumer],
      options,
      record: ['rebalance.partitions_revoked'],
    });
    apps.push(first);
    await eventually(() => consumed.length >= 2, 20_000, 'both partitions');
    const second = await startKarafkaApp({
      clientId,
      providers: [RevokableConsumer],
      options,
      record: ['rebalance.partitions_assigned'],
    });
    apps.push(second);
    await eventually(() => revoked.length >= 1, 30_000, 'a revocation');
    await eventually(() => second.events.length >= 1, 30_000, 'the new owner assigned');
    await sleep(1_500);
    expect(revoked).toHaveLength(1);
    expect(first.events.some((e) => e.id === 'rebalance.partitions_revoked')).toBe(true);
    expect(consumed).toHaveLength(2); // the new owner started after the committed offset
    const moved = revoked[0]!;
    expect((await committedOffsets(`${clientId}_app`, topic))[moved]).toBe('1');
  });

  it('explains that consumer helpers need a partition outside consume()', () => {
    class Detached extends BaseConsumer {
      consume(): void {}
    }
    expect(() => new Detached().topic).toThrow(KarafkaError);
    expect(() => new Detached().topic).toThrow(/not attached to a partition/);
  });
});
