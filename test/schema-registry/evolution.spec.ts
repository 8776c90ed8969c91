import { describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import {
  SchemaRegistrationError,
  SchemaRegistry,
  SchemaRegistryDeserializer,
  SchemaRegistryModule,
  SchemaRegistrySerializer,
  SchemaValidationError,
  type SchemaDefinition,
} from '../../lib/schema-registry/index.js';
import { createTopic, eventually, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, startKarafkaApp } from '../support/karafka-app.js';
import { registryUrl } from './registry-support.js';

const apps = appsClosedAfterEach();

const user = (fields: object[]): SchemaDefinition => ({
  format: 'AVRO',
  schema: { type: 'record', name: 'User', namespace: 'accounts', fields },
});
const v1 = user([
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
]);
const v2 = user([
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'email', type: 'string', default: '' },
]);
const incompatible = user([
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'age', type: 'int' }, // no default: readers of v3 cannot read v1/v2 data
]);

describe('schema evolution under BACKWARD compatibility, on a real registry', () => {
  it('a consumer on v1 reads v2 messages; an incompatible v3 is refused with the registry’s error', async () => {
    const topic = uniqueName('users');
    await createTopic(topic, 1);
    const seen: unknown[] = [];

    @Consumer(topic, {
      deserializer: SchemaRegistryDeserializer.with({ readerSchema: v1.schema }),
    })
    class UsersConsumer extends BaseConsumer {
      consume(messages: Messages): void {
        seen.push({ ...(messages.first!.payload as object) });
      }
    }
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [UsersConsumer],
      imports: [SchemaRegistryModule.forRoot({ url: registryUrl(), autoRegister: true })],
    });
    apps.push(app);
    const registry = app.app.get(SchemaRegistry);
    const producer = app.app.get(Producer);
    const asV1 = new SchemaRegistrySerializer(registry, { schema: v1 });
    const asV2 = new SchemaRegistrySerializer(registry, { schema: v2 });

    await producer.produceSync({ topic, payload: { id: 'u1', name: 'Ada' }, serializer: asV1 });
    await producer.produceSync({
      topic,
      payload: { id: 'u2', name: 'Bob', email: 'bob@example.com' },
      serializer: asV2,
    });
    await eventually(() => seen.length >= 2, 20_000, 'both users');
    expect(seen).toEqual([
      { id: 'u1', name: 'Ada' },
      { id: 'u2', name: 'Bob' }, // v2's email resolved away by the v1 reader schema
    ]);
    expect((await registry.latest(`${topic}-value`)).version).toBe(2);

    const asV3 = new SchemaRegistrySerializer(registry, { schema: incompatible });
    const refused = producer.produceSync({
      topic,
      payload: { id: 'u3', name: 'Cy', age: 3 },
      serializer: asV3,
    });
    await expect(refused).rejects.toBeInstanceOf(SchemaRegistrationError);
    await expect(refused).rejects.toThrow(
      new RegExp(`refused the schema for subject "${topic}-value" \\(HTTP 409\\)`),
    );
  });

  it('a payload that does not match its schema is rejected before sending, naming subject and field', async () => {
    const topic = uniqueName('users');
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [],
      listen: false,
      imports: [SchemaRegistryModule.forRoot({ url: registryUrl(), autoRegister: true })],
    });
    apps.push(app);
    const serializer = new SchemaRegistrySerializer(app.app.get(SchemaRegistry), { schema: v1 });
    const producer = app.app.get(Producer);
    const sent = producer.produceSync({
      topic,
      payload: { id: 'u1', name: 42 },
      serializer,
    });
    await expect(sent).rejects.toBeInstanceOf(SchemaValidationError);
    await expect(sent).rejects.toThrow(
      `payload does not match the schema of subject "${topic}-value" at "name"`,
    );
  });
});
