import { describe, expect, it } from 'vitest';
import { declarationText, describeUnderReplicated } from '../../lib/cli/topics-plan.js';

describe('topics plan texts', () => {
  it('names an under-replicated partition and the brokers out of sync', () => {
    expect(
      describeUnderReplicated({ topic: 'orders', partition: 2, replicas: [1, 2, 3], isr: [3, 1] }),
    ).toBe('under-replicated orders[2]: 2 of 3 replicas in sync (not in sync: broker 2)');
  });

  it("says a topic without a declared replication factor gets the broker's default", () => {
    expect(declarationText({ name: 'a', routeTopics: ['a'], partitions: 1, settings: {} })).toBe(
      "1 partition, the broker's default replication factor",
    );
    expect(
      declarationText({
        name: 'a',
        routeTopics: ['a'],
        partitions: 2,
        replicationFactor: 3,
        settings: {},
      }),
    ).toBe('2 partitions, replication factor 3');
  });
});
