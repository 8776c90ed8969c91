import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { Message, type BatchContext } from '../../lib/messages/message.js';
import { MessageDeserializationError } from '../../lib/messages/message-deserialization.error.js';
import { createMessageParser, decodeAhead } from '../../lib/processing/message-parser.js';
import type { Route } from '../../lib/routing/route.js';
import { JsonDeserializer } from '../../lib/serialization/json.js';
import type { Deserializer } from '../../lib/serialization/serialization.interfaces.js';

function route(deserializer: Deserializer, payload?: Route['payload']): Route {
  return { topic: 't', groupId: 'g', deserializer, payload } as unknown as Route;
}

function messages(values: string[]): Message[] {
  const context: BatchContext = {
    topic: 't',
    partition: 0,
    receivedAt: new Date(),
    parse: () => undefined,
  };
  return values.map(
    (value, offset) =>
      new Message(
        {
          key: null,
          value: Buffer.from(value),
          timestamp: '0',
          attributes: 0,
          offset: String(offset),
          headers: {},
        },
        context,
      ),
  );
}

class AsyncJson implements Deserializer {
  async deserialize({ raw }: { raw: Buffer | null }): Promise<unknown> {
    return JSON.parse(raw!.toString()) as unknown;
  }
}

describe('the message parser', () => {
  it('knows a route is async from a deserializer declared async, and not from a sync one', () => {
    expect(createMessageParser(route(new AsyncJson()), new Monitor()).async).toBe(true);
    expect(createMessageParser(route(new JsonDeserializer()), new Monitor()).async).toBe(false);
  });

  it('lists every Standard Schema issue as path: reason (zod and valibot)', () => {
    const zodParse = createMessageParser(
      route(new JsonDeserializer(), z.object({ a: z.string(), b: z.object({ c: z.number() }) })),
      new Monitor(),
    );
    const [message] = messages(['{"a":1,"b":{"c":"x"}}']);
    expect(() => zodParse(message!)).toThrow(/zod validation failed: a: .+; b\.c: .+/);
    const valibotParse = createMessageParser(
      route(new JsonDeserializer(), v.object({ a: v.string() })),
      new Monitor(),
    );
    expect(() => valibotParse(message!)).toThrow(/valibot validation failed: a: Invalid type/);
  });

  it('a promise on the lazy path fails with a clear error, publishes it, and makes the route async', async () => {
    const monitor = new Monitor();
    const published: unknown[] = [];
    monitor.subscribe('message.deserialize.error', (event) => void published.push(event));
    const undeclared: Deserializer = { deserialize: () => Promise.reject(new Error('late')) };
    const parse = createMessageParser(route(undeclared), monitor);
    expect(parse.async).toBe(false);
    const [message] = messages(['{}']);
    expect(() => parse(message!)).toThrow(MessageDeserializationError);
    expect(() => parse(message!)).toThrow(/returned a promise where a value was expected/);
    expect(parse.async).toBe(true);
    expect(published).toHaveLength(2);
    // The ignored rejection must not be unhandled: give it a turn to surface.
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('decodes ahead in order; a failure is thrown on access, the others still decode', async () => {
    const monitor = new Monitor();
    const parse = createMessageParser(route(new AsyncJson()), monitor);
    const list = messages(['{"n":0}', '{broken', '{"n":2}']);
    const lookup = await decodeAhead(list, parse.decode!);
    expect(lookup(list[0]!)).toEqual({ n: 0 });
    expect(() => lookup(list[1]!)).toThrow(/Cannot deserialize t\/0 at offset 1/);
    expect(lookup(list[2]!)).toEqual({ n: 2 });
  });
});
