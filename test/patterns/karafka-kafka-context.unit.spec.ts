import { KafkaContext } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { Message, type BatchContext } from '../../lib/messages/message.js';
import { Messages } from '../../lib/messages/messages.js';
import { KarafkaKafkaContext } from '../../lib/patterns/karafka-kafka-context.js';
import type { Producer } from '../../lib/producer/producer.js';

function contextFor(parse: (message: Message) => unknown) {
  const batch: BatchContext = { topic: 'orders', partition: 3, receivedAt: new Date(), parse };
  const message = new Message(
    {
      key: Buffer.from('k-1'),
      value: Buffer.from('{"id":7}'),
      timestamp: '1700000000123',
      attributes: 0,
      offset: '41',
      headers: { trace: Buffer.from('abc') },
    },
    batch,
  );
  const messages = new Messages([message], {
    group: 'g',
    topic: 'orders',
    partition: 3,
    firstOffset: '41',
    lastOffset: '41',
    highWatermark: '42',
    lag: 0,
    receivedAt: batch.receivedAt,
    processedAt: new Date(),
  });
  const heartbeat = () => Promise.resolve();
  const producer = {} as Producer;
  return {
    heartbeat,
    producer,
    messages,
    context: new KarafkaKafkaContext(message, undefined, heartbeat, producer, messages),
  };
}

describe('KarafkaKafkaContext', () => {
  it('gives the message as Nest’s KafkaParser does, from every getter of KafkaContext', () => {
    const { context, heartbeat, producer, messages } = contextFor((m) =>
      JSON.parse(m.raw!.toString()),
    );
    const expected = {
      key: 'k-1',
      value: { id: 7 },
      headers: { trace: 'abc' },
      offset: '41',
      timestamp: '1700000000123',
      topic: 'orders',
      partition: 3,
    };
    expect(context).toBeInstanceOf(KafkaContext);
    expect(context.getMessage()).toMatchObject(expected);
    expect(context.getArgByIndex(0)).toBe(context.getMessage());
    expect(context.getArgs()[0]).toBe(context.getMessage());
    expect(context.getArgs().slice(1)).toEqual([3, 'orders', undefined, heartbeat, producer]);
    expect(context.getPartition()).toBe(3);
    expect(context.getTopic()).toBe('orders');
    expect(context.getHeartbeat()).toBe(heartbeat);
    expect(context.getProducer()).toBe(producer);
    expect(context.messages).toBe(messages);
  });

  it('decodes the message only when a handler reads it', () => {
    let parsed = 0;
    const { context } = contextFor(() => ++parsed);
    expect(context.getTopic()).toBe('orders');
    expect(parsed).toBe(0);
    context.getArgByIndex(0);
    context.getMessage();
    expect(parsed).toBe(1);
  });
});
