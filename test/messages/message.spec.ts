import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { Message, type BatchContext } from '../../lib/messages/message.js';
import { Messages, type BatchMetadata } from '../../lib/messages/messages.js';

const receivedAt = new Date('2024-05-01T12:00:00.000Z');

/** An in-memory BatchContext whose parser counts its calls (JSON, or a custom one). */
function batch(parse: (message: Message) => unknown = (m) => JSON.parse(m.raw!.toString())) {
  const parser = vi.fn(parse);
  const context: BatchContext = {
    topic: 'orders',
    partition: 3,
    receivedAt,
    parse: parser,
  };
  return { context, parser };
}

/** A record-batch message (the kind with headers), with fields overridden as needed. */
function kafkaMessage(overrides: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    key: Buffer.from('cart-1'),
    value: Buffer.from('{"total":42}'),
    timestamp: '1714564800123',
    attributes: 0,
    offset: '1234567890123',
    headers: {
      source: Buffer.from('web'),
      trace: [Buffer.from('first'), Buffer.from('second')],
      plain: 'text',
      none: undefined,
    },
    ...overrides,
  } as KafkaMessage;
}

describe('Message', () => {
  it('reads every metadata field without calling the parser', () => {
    const { context, parser } = batch();
    const source = kafkaMessage();
    const message = new Message(source, context);

    expect(message.key).toBe('cart-1');
    expect(message.rawKey).toEqual(Buffer.from('cart-1'));
    expect(message.headers).toEqual({
      source: 'web',
      trace: 'first',
      plain: 'text',
      none: undefined,
    });
    expect(message.rawHeaders).toBe(source.headers);
    expect(message.offset).toBe('1234567890123');
    expect(message.partition).toBe(3);
    expect(message.topic).toBe('orders');
    expect(message.timestamp).toBeInstanceOf(Date);
    expect(message.timestamp.getTime()).toBe(1714564800123);
    expect(message.receivedAt).toBe(receivedAt);
    expect(message.raw).toEqual(Buffer.from('{"total":42}'));
    expect(message.deserialized).toBe(false);

    expect(parser).not.toHaveBeenCalled();
  });

  it('gives the first value of a repeated header in headers and all of them in rawHeaders', () => {
    const { context } = batch();
    const message = new Message(kafkaMessage(), context);
    expect(message.headers.trace).toBe('first');
    expect(message.rawHeaders.trace).toEqual([Buffer.from('first'), Buffer.from('second')]);
  });

  it('keeps a header named __proto__ as an ordinary header', () => {
    const { context } = batch();
    const headers = JSON.parse('{"__proto__":"evil","ok":"yes"}') as Record<string, string>;
    const message = new Message(kafkaMessage({ headers }), context);
    expect(Object.keys(message.headers)).toEqual(['__proto__', 'ok']);
    expect(Object.getOwnPropertyDescriptor(message.headers, '__proto__')?.value).toBe('evil');
    expect(Object.getPrototypeOf(message.headers)).toBe(Object.prototype);
  });

  it('decodes headers once and returns a frozen object', () => {
    const { context } = batch();
    const message = new Message(kafkaMessage(), context);
    expect(message.headers).toBe(message.headers);
    expect(Object.isFrozen(message.headers)).toBe(true);
  });

  it('reports a missing key as null and missing headers as empty', () => {
    const { context } = batch();
    // An old message-set entry: no headers at all.
    const entry: KafkaMessage = {
      key: null,
      value: Buffer.from('{}'),
      timestamp: '0',
      attributes: 0,
      offset: '0',
      size: 2,
    };
    const message = new Message(entry, context);
    expect(message.key).toBeNull();
    expect(message.rawKey).toBeNull();
    expect(message.headers).toEqual({});
    expect(message.rawHeaders).toEqual({});
  });

  it('exposes a tombstone as raw null', () => {
    const { context } = batch(() => null);
    const message = new Message(kafkaMessage({ value: null }), context);
    expect(message.raw).toBeNull();
    expect(message.payload).toBeNull();
  });

  it('parses the payload on first access, once, and caches it', () => {
    const { context, parser } = batch();
    const message = new Message<{ total: number }>(kafkaMessage(), context);
    const first = message.payload;
    const second = message.payload;
    expect(first).toEqual({ total: 42 });
    expect(second).toBe(first);
    expect(parser).toHaveBeenCalledTimes(1);
    expect(parser).toHaveBeenCalledWith(message);
    expect(message.deserialized).toBe(true);
  });

  it('caches falsy payloads too (null, 0, empty string)', () => {
    for (const value of [null, 0, '', false]) {
      const { context, parser } = batch(() => value);
      const message = new Message(kafkaMessage(), context);
      expect(message.payload).toBe(value);
      expect(message.payload).toBe(value);
      expect(parser).toHaveBeenCalledTimes(1);
    }
  });

  it('throws when parsing fails and tries again on the next access', () => {
    let attempts = 0;
    const { context, parser } = batch(() => {
      attempts++;
      if (attempts === 1) throw new SyntaxError('bad json');
      return { ok: true };
    });
    const message = new Message(kafkaMessage(), context);
    expect(() => message.payload).toThrow('bad json');
    expect(message.deserialized).toBe(false);
    expect(message.payload).toEqual({ ok: true });
    expect(parser).toHaveBeenCalledTimes(2);
    expect(message.deserialized).toBe(true);
  });

  it('keeps throwing (calling the parser each time) while parsing keeps failing', () => {
    const { context, parser } = batch(() => {
      throw new Error('always');
    });
    const message = new Message(kafkaMessage(), context);
    expect(() => message.payload).toThrow('always');
    expect(() => message.payload).toThrow('always');
    expect(parser).toHaveBeenCalledTimes(2);
  });
});

describe('Messages', () => {
  const metadata: BatchMetadata = {
    group: 'shop_app',
    topic: 'orders',
    partition: 3,
    firstOffset: '10',
    lastOffset: '12',
    highWatermark: '20',
    lag: 7,
    receivedAt,
    processedAt: new Date('2024-05-01T12:00:00.050Z'),
  };

  function three() {
    const { context, parser } = batch();
    const list = [10, 11, 12].map(
      (n) =>
        new Message<{ n: number }>(
          kafkaMessage({ offset: String(n), value: Buffer.from(JSON.stringify({ n })) }),
          context,
        ),
    );
    return { messages: new Messages(list, metadata), list, parser };
  }

  it('has size, first and last without parsing', () => {
    const { messages, list, parser } = three();
    expect(messages.size).toBe(3);
    expect(messages.first).toBe(list[0]);
    expect(messages.last).toBe(list[2]);
    expect(parser).not.toHaveBeenCalled();
  });

  it('is empty-safe: size 0, first and last undefined', () => {
    const messages = new Messages([], metadata);
    expect(messages.size).toBe(0);
    expect(messages.first).toBeUndefined();
    expect(messages.last).toBeUndefined();
    expect(messages.payloads).toEqual([]);
    expect([...messages]).toEqual([]);
  });

  it('iterates in offset order without parsing', () => {
    const { messages, parser } = three();
    expect([...messages].map((m) => m.offset)).toEqual(['10', '11', '12']);
    const offsets: string[] = [];
    for (const message of messages) offsets.push(message.offset);
    expect(offsets).toEqual(['10', '11', '12']);
    expect(parser).not.toHaveBeenCalled();
  });

  it('gives every payload, parsing each message once', () => {
    const { messages, parser } = three();
    expect(messages.payloads).toEqual([{ n: 10 }, { n: 11 }, { n: 12 }]);
    expect(messages.payloads).toEqual([{ n: 10 }, { n: 11 }, { n: 12 }]);
    expect(parser).toHaveBeenCalledTimes(3);
  });

  it('payloads throws when a message cannot be parsed', () => {
    const { context } = batch();
    const bad = new Message(kafkaMessage({ value: Buffer.from('{oops') }), context);
    expect(() => new Messages([bad], metadata).payloads).toThrow(SyntaxError);
  });

  it('exposes the batch metadata as given', () => {
    const { messages } = three();
    expect(messages.metadata).toBe(metadata);
    expect(messages.metadata).toMatchObject({ firstOffset: '10', lastOffset: '12', lag: 7 });
  });

  it('toArray returns a copy that does not change the batch', () => {
    const { messages } = three();
    const array = messages.toArray();
    array.pop();
    expect(messages.size).toBe(3);
  });
});
