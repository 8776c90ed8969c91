import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import type {
  DeserializationInput,
  Deserializer,
} from '../../lib/serialization/serialization.interfaces.js';
import { KarafkaWebModule } from '../../lib/web/index.js';
import { createTopic, kafkaBrokers, uniqueName } from '../support/kafka.js';
import { produceRaw } from '../support/karafka-app.js';

/** An async deserializer: `sku:<base64 of JSON>`, anything else is rejected. */
class SkuDeserializer implements Deserializer {
  async deserialize({ raw, key }: DeserializationInput): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const text = raw?.toString() ?? '';
    if (!text.startsWith('sku:')) throw new Error(`not an sku message: ${text.slice(0, 20)}`);
    return { key, ...(JSON.parse(Buffer.from(text.slice(4), 'base64').toString()) as object) };
  }
}

const skus = uniqueName('web-skus');
const unrouted = uniqueName('web-unrouted');
const topics = {
  reports: uniqueName('webdec-reports'),
  samples: uniqueName('webdec-samples'),
  history: uniqueName('webdec-history'),
  errors: uniqueName('webdec-errors'),
  commands: uniqueName('webdec-commands'),
};
const encode = (value: object) => `sku:${Buffer.from(JSON.stringify(value)).toString('base64')}`;

@Consumer(skus, { deserializer: SkuDeserializer })
class SkusConsumer extends BaseConsumer<unknown> {
  consume(_messages: Messages<unknown>): void {}
}

@Module({
  imports: [
    KarafkaModule.forRoot({
      clientId: uniqueName('webdec'),
      kafka: { brokers: kafkaBrokers() },
      logger: false,
    }),
    KarafkaWebModule.forRoot({ tracking: false, topics }),
  ],
  providers: [SkusConsumer],
})
class DecodingModule {}

let app: INestApplication;
const get = (path: string) => request(app.getHttpServer()).get(`/karafka${path}`).expect(200);

beforeAll(async () => {
  await Promise.all([createTopic(skus, 1), createTopic(unrouted, 1)]);
  await produceRaw(skus, [
    { key: 'k1', value: encode({ sku: 'A-1', qty: 3 }) },
    { key: 'k2', value: 'garbage <b>bytes</b>' },
  ]);
  await produceRaw(unrouted, [{ value: '{"plain":true}' }]);
  app = await NestFactory.create(DecodingModule, { logger: false });
  await app.init();
});
afterAll(() => app?.close());

describe('explorer: payloads decoded with the route’s deserializer', () => {
  it('decodes with an async deserializer and says which one of which route', async () => {
    const { text } = await get(`/explorer/${skus}/0/0`);
    expect(text).toContain(
      '{\n  &quot;key&quot;: &quot;k1&quot;,\n  &quot;sku&quot;: &quot;A-1&quot;,\n  &quot;qty&quot;: 3\n}',
    );
    expect(text).toMatch(/Decoded by SkuDeserializer \(route [^)]+\/[^)]+\)/);
    // raw still shows the bytes as they are in Kafka
    expect((await get(`/explorer/${skus}/0/0?view=raw`)).text).toContain('sku:eyJ');
  });

  it('falls back to the raw payload with the deserializer’s reason when it fails', async () => {
    const { text } = await get(`/explorer/${skus}/0/1`);
    expect(text).toMatch(
      /SkuDeserializer \(route [^)]+\) could not decode it: not an sku message: garbage &lt;b&gt;bytes.*Shown raw\./s,
    );
    expect(text).toContain('<pre id="payload">garbage &lt;b&gt;bytes&lt;/b&gt;</pre>');
  });

  it('lists decoded previews, raw ones where decoding fails', async () => {
    const { text } = await get(`/explorer/${skus}/0?offset=0`);
    expect(text).toContain(
      '{ &quot;key&quot;: &quot;k1&quot;, &quot;sku&quot;: &quot;A-1&quot;, &quot;qty&quot;: 3 }',
    );
    expect(text).toContain('garbage &lt;b&gt;bytes&lt;/b&gt;');
  });

  it('says so when no route of the app consumes the topic', async () => {
    const { text } = await get(`/explorer/${unrouted}/0/0`);
    expect(text).toContain(`Not decoded: no route of this app consumes ${unrouted}`);
    expect(text).toContain('{\n  &quot;plain&quot;: true\n}');
  });
});
