import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Producer } from '../../lib/producer/producer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import {
  SchemaRegistry,
  SchemaRegistryDeserializer,
  SchemaRegistryModule,
  SchemaRegistrySerializer,
} from '../../lib/schema-registry/index.js';
import { KarafkaWebModule } from '../../lib/web/index.js';
import { createTopic, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';
import { orderAvro, registryUrl } from './registry-support.js';

const orders = uniqueName('web-avro-orders');
const topics = {
  reports: uniqueName('websr-reports'),
  samples: uniqueName('websr-samples'),
  history: uniqueName('websr-history'),
  errors: uniqueName('websr-errors'),
  commands: uniqueName('websr-commands'),
};

@Consumer(orders, { deserializer: SchemaRegistryDeserializer })
class AvroOrdersConsumer extends BaseConsumer<unknown> {
  consume(_messages: Messages<unknown>): void {}
}

let app: INestApplication;
const get = (path: string) => request(app.getHttpServer()).get(`/karafka${path}`).expect(200);

beforeAll(async () => {
  await createTopic(orders, 1);
  @Module({
    imports: [
      KarafkaModule.forRoot({
        clientId: uniqueName('websr'),
        kafka: { brokers: kafkaBrokers() },
        logger: false,
      }),
      SchemaRegistryModule.forRoot({ url: registryUrl(), autoRegister: true }),
      KarafkaWebModule.forRoot({ tracking: false, topics }),
    ],
    providers: [AvroOrdersConsumer],
  })
  class SchemaRegistryWebModule {}
  app = await NestFactory.create(SchemaRegistryWebModule, { logger: false });
  await app.init();
  const serializer = new SchemaRegistrySerializer(app.get(SchemaRegistry), {
    schema: orderAvro(uniqueName('WebOrder').replace(/[^A-Za-z0-9]/g, '')),
  });
  await app
    .get(Producer)
    .produceSync({ topic: orders, payload: { id: 'o-1', qty: 7 }, serializer });
  // Not in the Confluent wire format: the deserializer refuses it.
  await produceRaw(orders, [{ value: 'not avro' }]);
});
afterAll(() => app?.close());

describe('explorer with a schema registry route (real Apicurio)', () => {
  it('shows an Avro payload decoded through the registry, and hex for its raw bytes', async () => {
    const { text } = await get(`/explorer/${orders}/0/0`);
    expect(text).toContain(
      '<pre id="payload">{\n  &quot;id&quot;: &quot;o-1&quot;,\n  &quot;qty&quot;: 7\n}</pre>',
    );
    expect(text).toMatch(/Decoded by SchemaRegistryDeserializer \(route /);
    // The wire format: magic byte 0, then the 4-byte schema id.
    expect((await get(`/explorer/${orders}/0/0?view=hex`)).text).toMatch(/00000000 {2}00 00 00 /);
    expect((await get(`/explorer/${orders}/0?offset=0`)).text).toContain(
      '{ &quot;id&quot;: &quot;o-1&quot;, &quot;qty&quot;: 7 }',
    );
  });

  it('falls back to the raw payload with the reason when the bytes are not in the wire format', async () => {
    const { text } = await get(`/explorer/${orders}/0/1`);
    expect(text).toMatch(
      /SchemaRegistryDeserializer \(route [^)]+\) could not decode it: .+Shown raw\./s,
    );
    expect(text).toContain('<pre id="payload">not avro</pre>');
  });
});
