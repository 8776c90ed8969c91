import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import {
  SchemaRegistryDeserializer,
  SchemaRegistryModule,
} from '../../lib/schema-registry/index.js';
import { createTopic, eventually, testKafka, uniqueName } from '../support/kafka.js';
import { appsClosedAfterEach, startKarafkaApp } from '../support/karafka-app.js';
import { libraryClient, orderAvro, registryUrl, SchemaType } from './registry-support.js';

const apps = appsClosedAfterEach();
const proxies: Server[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => new Promise((done) => proxy.close(done))));
});

/** A loopback proxy in front of the registry that records every request path. */
async function countingProxy(): Promise<{ url: string; paths: string[] }> {
  const target = new URL(registryUrl());
  const paths: string[] = [];
  const proxy = createServer((incoming, outgoing) => {
    paths.push(`${incoming.method} ${incoming.url}`);
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: `${target.pathname}${incoming.url}`,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  proxies.push(proxy);
  await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
  const { port } = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, paths };
}

describe('the schema cache, on a real registry', () => {
  it('asks the registry once per schema id across 10,000 messages', async () => {
    const topic = uniqueName('clicks');
    await createTopic(topic, 2);
    const library = libraryClient();
    const register = async (name: string) =>
      (
        await library.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(orderAvro(name).schema) },
          { subject: `${topic}-${name}` },
        )
      ).id;
    const ids = [await register('ClickA'), await register('ClickB')];
    const total = 10_000;
    // Two rounds, the second after the first was consumed: later batches must hit the cache,
    // not merely share an in-flight request.
    const produceRound = async (from: number, count: number) => {
      const producer = testKafka().producer();
      await producer.connect();
      for (let start = from; start < from + count; start += 1_000) {
        const messages = await Promise.all(
          Array.from({ length: 1_000 }, (_, i) =>
            library
              .encode(ids[(start + i) % 2]!, { id: `c-${start + i}`, qty: start + i })
              .then((value) => ({ value, partition: (start + i) % 2 })),
          ),
        );
        await producer.send({ topic, acks: -1, messages });
      }
      await producer.disconnect();
    };
    await produceRound(0, total / 2);

    let consumed = 0;
    @Consumer(topic, { batch: true, deserializer: SchemaRegistryDeserializer })
    class ClicksConsumer extends BaseConsumer<{ qty: number }> {
      consume(messages: Messages<{ qty: number }>): void {
        for (const message of messages) if (message.payload.qty >= 0) consumed += 1;
      }
    }
    const proxy = await countingProxy();
    const app = await startKarafkaApp({
      clientId: uniqueName('c'),
      providers: [ClicksConsumer],
      imports: [SchemaRegistryModule.forRoot({ url: proxy.url })],
    });
    apps.push(app);
    await eventually(() => consumed >= total / 2, 60_000, 'the first round');
    await produceRound(total / 2, total / 2);
    await eventually(() => consumed >= total, 60_000, `${total} messages`);
    expect(consumed).toBe(total);
    expect(proxy.paths.filter((path) => path.includes('/schemas/ids/')).sort()).toEqual(
      ids.map((id) => `GET /schemas/ids/${id}`).sort(),
    );
  });
});
