import { IsInt } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { MessageDeserializationError } from '../../lib/messages/message-deserialization.error.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { attachTestRuntime, createMessages } from '../../lib/testing/index.js';

class CountDto {
  @IsInt() count!: number;
}

class SummingConsumer extends BaseConsumer<{ count: number }> {
  total = 0;
  consume(messages: Messages<{ count: number }>): void {
    for (const message of messages) this.total += message.payload.count;
    this.respondTo('totals', { total: this.total }, { key: messages.first?.key });
    this.markAsConsumed(messages.last!);
  }
}

describe('nestjs-karafka/testing', () => {
  it('createMessages builds real, lazily parsed Messages with metadata', () => {
    const messages = createMessages<{ count: number }>(
      [
        { count: 1 },
        { payload: { count: 2 }, key: 'k', headers: { trace: 't1' }, timestamp: 1_000 },
      ],
      { topic: 'counts', partition: 3, firstOffset: 10 },
    );
    expect(messages.size).toBe(2);
    expect(messages.metadata).toMatchObject({
      topic: 'counts',
      partition: 3,
      firstOffset: '10',
      lastOffset: '11',
    });
    const second = messages.last!;
    expect([
      second.key,
      second.headers.trace,
      second.offset,
      second.topic,
      second.partition,
    ]).toEqual(['k', 't1', '11', 'counts', 3]);
    expect(second.deserialized).toBe(false);
    expect(second.timestamp).toEqual(new Date(1_000));
    expect(messages.payloads).toEqual([{ count: 1 }, { count: 2 }]);
  });

  it('goes through the same deserialization as production: DTO validation and error events', () => {
    const monitor = new Monitor();
    const errors: string[] = [];
    monitor.subscribe(
      'message.deserialize.error',
      (event) => void errors.push(event.payload.offset),
    );
    const messages = createMessages<CountDto>([{ count: 1 }, { count: 'x' }, '{bad'], {
      payload: CountDto,
      monitor,
    });
    expect(messages.first!.payload).toBeInstanceOf(CountDto);
    expect(() => messages.toArray()[1]!.payload).toThrow(MessageDeserializationError);
    expect(() => messages.toArray()[2]!.payload).toThrow(
      /Cannot deserialize test_topic\/0 at offset 2/,
    );
    expect(errors).toEqual(['1', '2']);
  });

  it('attachTestRuntime records what a consumer asks of the framework', async () => {
    const consumer = new SummingConsumer();
    const runtime = attachTestRuntime(consumer, { topic: 'counts', partition: 1 });
    await consumer.consume(
      createMessages([{ payload: { count: 2 }, key: 'cart-1' }, { count: 3 }], {
        topic: 'counts',
        partition: 1,
      }),
    );
    expect(consumer.total).toBe(5);
    expect(consumer.topic).toBe('counts');
    expect(consumer.partition).toBe(1);
    expect(runtime.marked).toEqual(['1']);
    expect(runtime.responses).toEqual([
      { topic: 'totals', payload: { total: 5 }, options: { key: 'cart-1' } },
    ]);
    consumer.pause(500);
    consumer.seek(7);
    expect([runtime.paused, runtime.pausedFor, runtime.seeks]).toEqual([true, 500, ['7']]);
    expect(() => consumer.producer).toThrow(/No producer in this test/);
  });
});
