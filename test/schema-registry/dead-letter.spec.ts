import { describe, expect, it } from 'vitest';
import type { KarafkaEvent } from '../../lib/instrumentation/karafka-events.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import {
  SchemaRegistryDeserializer,
  SchemaRegistryModule,
} from '../../lib/schema-registry/index.js';
import { testKafka, createTopic, eventually, readTopic, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, startKarafkaApp } from '../support/karafka-app.js';
import { libraryClient, orderAvro, registryUrl, SchemaType } from './registry-support.js';

const apps = appsClosedAfterEach();

const fast = {
  pause: { timeout: 100, maxTimeout: 200, exponentialBackoff: true },
  commit: { interval: 100, threshold: 0 },
};

describe('undecodable registry messages, on a real broker and registry', () => {
  it('an unknown schema id and a broken magic byte go to the dead letter topic with their raw bytes', async () => {
    const topic = uniqueName('payments');
    const dlq = uniqueName('payments-dlq');
    await createTopic(topic, 1);
    const library = libraryClient();
    const schema = orderAvro(uniqueName('Payment').replace(/[^A-Za-z0-9]/g, ''));
    const { id } = await library.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema.schema) },
      { subject: `${topic}-value` },
    );
    const good = (n: number) => library.encode(id, { id: `p-${n}`, qty: n });
    const unknownId = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0]), Buffer.from('xyz')]);
    const brokenMagic = Buffer.from('{"id":"p-x","qty":1}');
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { value: await good(0) },
        { value: unknownId, key: 'unknown-id' },
        { value: await good(2) },
        { value: brokenMagic, key: 'broken-magic' },
        { value: await good(4) },
      ],
    });
    await producer.disconnect();
    const seen: string[] = [];

    @Consumer(topic, {
      batch: true,
      deserializer: SchemaRegistryDeserializer,
      deadLetter: { topic: dlq, maxRetries: 1 },
    })
    class PaymentsConsumer extends BaseConsumer<{ id: string }> {
      consume(messages: Messages<{ id: string }>): void {
        for (const message of messages) seen.push(message.payload.id);
      }
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [PaymentsConsumer],
      options: fast,
      imports: [SchemaRegistryModule.forRoot({ url: registryUrl() })],
      record: ['message.deserialize.error'],
    });
    apps.push(app);
    await eventually(() => seen.includes('p-4'), 30_000, 'the messages after the poison');
    expect([...new Set(seen)]).toEqual(['p-0', 'p-2', 'p-4']);
    const letters = await readTopic(dlq, 2);
    expect(letters.map((letter) => letter.key)).toEqual(['unknown-id', 'broken-magic']);
    expect(letters[0]!.rawValue).toEqual(unknownId);
    expect(letters[1]!.rawValue).toEqual(brokenMagic);
    expect(letters[0]!.headers.karafka_error).toMatch(
      /MessageDeserializationError: .*schema id 2147483632 is not in the schema registry/,
    );
    expect(letters[1]!.headers.karafka_error).toMatch(
      /not in the schema registry wire format \(first byte 0x7b, expected magic byte 0x00\)/,
    );
    const errors = app.events as KarafkaEvent<'message.deserialize.error'>[];
    expect(new Set(errors.map((event) => event.payload.offset))).toEqual(new Set(['1', '3']));
  });
});
