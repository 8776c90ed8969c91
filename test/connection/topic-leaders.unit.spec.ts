import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { waitForLeaders } from '../../lib/connection/topic-leaders.js';
import { KarafkaError } from '../../lib/errors/karafka.error.js';

type Metadata = Awaited<ReturnType<Admin['fetchTopicMetadata']>>;

function partitions(leaders: number[]): Metadata['topics'][number]['partitions'] {
  return leaders.map((leader, partitionId) => ({
    partitionId,
    leader,
    replicas: [1],
    isr: [1],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));
}

/** An admin whose metadata answers are played back in order (the last one repeats). */
function adminAnswering(answers: Array<Metadata | Error>): {
  admin: Pick<Admin, 'fetchTopicMetadata'>;
  calls: () => number;
} {
  let calls = 0;
  return {
    admin: {
      fetchTopicMetadata: () => {
        const answer = answers[Math.min(calls++, answers.length - 1)]!;
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    },
    calls: () => calls,
  };
}

describe('waitForLeaders', () => {
  it('asks again while a broker does not host the new topic yet, until every partition has a leader', async () => {
    const { admin, calls } = adminAnswering([
      new Error('This server does not host this topic-partition'),
      { topics: [{ name: 'orders', partitions: partitions([1, -1]) }] },
      { topics: [{ name: 'orders', partitions: partitions([1, 1]) }] },
    ]);
    await waitForLeaders(admin, [{ name: 'orders', partitions: 2 }], 5_000);
    expect(calls()).toBe(3);
  });

  it('names the topic and the last answer when the leaders do not come in time', async () => {
    const { admin } = adminAnswering([
      { topics: [{ name: 'orders', partitions: partitions([1, -1]) }] },
    ]);
    const error = await waitForLeaders(admin, [{ name: 'orders', partitions: 2 }], 300).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KarafkaError);
    expect((error as Error).message).toContain(
      'orders: 2 of 2 partitions known, 1 without a leader',
    );
  });
});
