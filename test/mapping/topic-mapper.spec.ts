import { describe, expect, it } from 'vitest';
import {
  IdentityTopicMapper,
  PrefixTopicMapper,
  TopicMapper,
} from '../../lib/mapping/topic-mapper.js';

describe('IdentityTopicMapper', () => {
  it('returns topic names unchanged both ways', () => {
    const mapper = new IdentityTopicMapper();
    expect(mapper.incoming('acme.orders')).toBe('acme.orders');
    expect(mapper.outgoing('orders')).toBe('orders');
  });

  it('is a TopicMapper (the DI token)', () => {
    expect(new IdentityTopicMapper()).toBeInstanceOf(TopicMapper);
  });
});

describe('PrefixTopicMapper', () => {
  const mapper = new PrefixTopicMapper('acme.');

  it('adds the prefix to outgoing topics', () => {
    expect(mapper.outgoing('orders')).toBe('acme.orders');
  });

  it('strips the prefix from incoming topics that have it', () => {
    expect(mapper.incoming('acme.orders')).toBe('orders');
  });

  it('leaves incoming topics without the prefix unchanged', () => {
    expect(mapper.incoming('orders')).toBe('orders');
    expect(mapper.incoming('other.orders')).toBe('other.orders');
  });

  it('strips the prefix only at the start, and only once', () => {
    expect(mapper.incoming('x.acme.orders')).toBe('x.acme.orders');
    expect(mapper.incoming('acme.acme.orders')).toBe('acme.orders');
  });

  it('round-trips: incoming(outgoing(topic)) is the topic', () => {
    for (const topic of ['orders', 'acme.orders', 'a_b-c.1']) {
      expect(mapper.incoming(mapper.outgoing(topic))).toBe(topic);
    }
  });

  it('exposes its prefix and is a TopicMapper', () => {
    expect(mapper.prefix).toBe('acme.');
    expect(mapper).toBeInstanceOf(TopicMapper);
  });
});
