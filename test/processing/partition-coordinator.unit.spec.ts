import { describe, expect, it } from 'vitest';
import { PartitionCoordinator } from '../../lib/processing/partition-coordinator.js';
import { FakeHost } from './partition-fakes.js';

const ref = { group: 'shop_app', topic: 'orders', partition: 0 };

describe('PartitionCoordinator.firstUnmarked (where a retry starts)', () => {
  it('nothing marked: the failed call, or the first message this partition got if earlier', () => {
    const host = new FakeHost();
    const coordinator = new PartitionCoordinator(host, 'orders', ref);
    expect(coordinator.firstUnmarked('5', '9')).toBe('5');
    coordinator.received('2');
    expect(coordinator.firstUnmarked('5', '9')).toBe('2');
  });

  it('marked before the call: the message after the mark (an earlier batch with manual offsets)', () => {
    const host = new FakeHost();
    const coordinator = new PartitionCoordinator(host, 'orders', ref);
    host.committer.mark('orders', 0, '3');
    expect(coordinator.firstUnmarked('5', '9')).toBe('4');
    host.committer.mark('orders', 0, '6');
    expect(coordinator.firstUnmarked('5', '9')).toBe('7');
  });

  it('marked past the call (the consumer seeked back): retries the call', () => {
    const host = new FakeHost();
    const coordinator = new PartitionCoordinator(host, 'orders', ref);
    host.committer.mark('orders', 0, '9');
    expect(coordinator.firstUnmarked('5', '9')).toBe('5');
  });
});

describe('PartitionCoordinator: seeks and collapse', () => {
  it('applies a pending seek once, at the end of the batch', () => {
    const host = new FakeHost();
    const coordinator = new PartitionCoordinator(host, 'orders', ref);
    coordinator.seekByConsumer(7n);
    expect(coordinator.seekPending).toBe(true);
    expect(coordinator.seekedByConsumer).toBe(true);
    coordinator.applySeek();
    coordinator.applySeek();
    expect(host.calls).toEqual(['seek orders/0 7']);
    expect(coordinator.seekedByConsumer).toBe(false);
  });

  it('a failure drops the seek the failed call asked for', () => {
    const host = new FakeHost();
    const coordinator = new PartitionCoordinator(host, 'orders', ref);
    coordinator.seekByConsumer('3');
    expect(coordinator.failed()).toBe(1);
    coordinator.applySeek();
    expect(host.calls).toEqual([]);
  });

  it('a collapse lasts until the last message of the collapsed batch succeeded', () => {
    const coordinator = new PartitionCoordinator(new FakeHost(), 'orders', ref);
    coordinator.collapse('9');
    coordinator.processedUpTo('8');
    expect(coordinator.collapsed).toBe(true);
    coordinator.processedUpTo('9');
    expect(coordinator.collapsed).toBe(false);
  });
});
