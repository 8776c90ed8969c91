import { describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import {
  SchemaRegistry,
  SchemaRegistryDeserializer,
  SchemaRegistryModule,
  SchemaRegistrySerializer,
  type SchemaDefinition,
} from '../../lib/schema-registry/index.js';
import { createTopic, eventually, readTopic, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, startKarafkaApp } from '../support/karafka-app.js';
import {
  libraryClient,
  orderAvro,
  orderJsonSchema,
  orderProto,
  registryUrl,
  SchemaType,
} from './registry-support.js';

const apps = appsClosedAfterEach();

interface Order {
  id: string;
  qty: number;
}

const FORMATS: Array<[string, (name: string) => SchemaDefinition, SchemaType]> = [
  ['Avro', orderAvro, SchemaType.AVRO],
  ['Protobuf', orderProto, SchemaType.PROTOBUF],
  ['JSON Schema', orderJsonSchema, SchemaType.JSON],
];

describe.each(FORMATS)(
  '%s through the real registry and the real broker',
  (_label, schemaOf, type) => {
    it('our serializer produces, our deserializer consumes, in order', async () => {
      const topic = uniqueName('orders');
      await createTopic(topic, 1);
      const seen: Order[] = [];
      const raw: Array<number | undefined> = [];

      @Consumer(topic, { batch: true, deserializer: SchemaRegistryDeserializer })
      class OrdersConsumer extends BaseConsumer<Order> {
        consume(messages: Messages<Order>): void {
          for (const message of messages) {
            raw.push(message.raw?.[0]);
            seen.push({ id: message.payload.id, qty: message.payload.qty });
          }
        }
      }
      const app = await startKarafkaApp({
        clientId: uniqueName('c'),
        providers: [OrdersConsumer],
        imports: [SchemaRegistryModule.forRoot({ url: registryUrl(), autoRegister: true })],
      });
      apps.push(app);
      const producer = app.app.get(Producer);
      const serializer = new SchemaRegistrySerializer(app.app.get(SchemaRegistry), {
        schema: schemaOf(uniqueName('Order').replace(/[^A-Za-z0-9]/g, '')),
      });
      const orders = Array.from({ length: 20 }, (_, i) => ({ id: `o-${i}`, qty: i }));
      await producer.produceManySync(
        orders.map((payload) => ({ topic, payload, serializer, key: payload.id })),
      );
      await eventually(() => seen.length >= orders.length, 20_000, 'the orders');
      expect(seen).toEqual(orders);
      expect(new Set(raw)).toEqual(new Set([0])); // Confluent wire format: magic byte 0
    });

    it('interop: the client library decodes what we encode, and we decode what it encodes', async () => {
      const topic = uniqueName('interop');
      await createTopic(topic, 1);
      const library = libraryClient();
      const schema = schemaOf(uniqueName('Interop').replace(/[^A-Za-z0-9]/g, ''));
      const seen: Order[] = [];

      @Consumer(topic, { deserializer: SchemaRegistryDeserializer })
      class InteropConsumer extends BaseConsumer<Order> {
        consume(messages: Messages<Order>): void {
          const { id, qty } = messages.first!.payload;
          seen.push({ id, qty });
        }
      }
      const app = await startKarafkaApp({
        clientId: uniqueName('c'),
        providers: [InteropConsumer],
        imports: [SchemaRegistryModule.forRoot({ url: registryUrl(), autoRegister: true })],
      });
      apps.push(app);

      // Library -> us: registered and encoded by the library, sent as raw bytes.
      const registered = await library.register(
        {
          type,
          schema: typeof schema.schema === 'string' ? schema.schema : JSON.stringify(schema.schema),
        } as Parameters<typeof library.register>[0],
        { subject: `${topic}-value` },
      );
      const id = registered.id;
      const fromLibrary = await library.encode(id, { id: 'lib-1', qty: 7 });
      const producer = app.app.get(Producer);
      await producer.produceSync({ topic, payload: fromLibrary });
      await eventually(() => seen.length >= 1, 20_000, 'the library-encoded message');
      expect(seen[0]).toEqual({ id: 'lib-1', qty: 7 });

      // Us -> library: encoded by our serializer, decoded by the library.
      const serializer = new SchemaRegistrySerializer(app.app.get(SchemaRegistry), { schema });
      await producer.produceSync({ topic, payload: { id: 'ours-1', qty: 8 }, serializer });
      const [, second] = await readTopic(topic, 2);
      const decoded = (await library.decode(second!.rawValue!)) as Order;
      expect({ id: decoded.id, qty: decoded.qty }).toEqual({ id: 'ours-1', qty: 8 });
    });
  },
);
