import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Admin, Consumer as KafkaConsumer } from 'kafkajs';
import { KarafkaServer, RouteRegistry } from 'nestjs-karafka';
import { describeFlow } from '../../lib/responders/flow.js';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../sample/src/app.module.js';
import { configureApp } from '../../sample/src/configure-app.js';
import { ensureTopics } from '../../sample/src/launcher/topics.js';
import type { Order } from '../../sample/src/orders/order.js';
import { ALL_TOPICS, PARTITIONS } from '../../sample/src/topics.js';
import { eventually, kafkaBrokers, testKafka, uniqueName } from '../support/kafka.js';

/** Topics of this file live under their own prefix (the sample's KAFKA_TOPIC_PREFIX). */
const prefix = `${uniqueName('shop')}.`;
const kafka = () => testKafka();
const cartId = () => `cart-${randomBytes(4).toString('hex')}`;

let app: NestExpressApplication;
let admin: Admin;
const readers: KafkaConsumer[] = [];

beforeAll(async () => {
  process.env.KAFKA_BROKERS = kafkaBrokers().join(',');
  process.env.KAFKA_TOPIC_PREFIX = prefix;
  process.env.KARAFKA_CLIENT_ID = uniqueName('shop');
  admin = kafka().admin();
  await admin.connect();
  const report = await ensureTopics(
    admin,
    ALL_TOPICS.map((topic) => prefix + topic),
    PARTITIONS,
  );
  expect(report.created).toHaveLength(ALL_TOPICS.length);

  app = configureApp(
    await NestFactory.create<NestExpressApplication>(AppModule, { logger: ['error', 'warn'] }),
  );
  app.connectMicroservice({ strategy: app.get(KarafkaServer) });
  await app.startAllMicroservices();
  await app.init();
});

afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.disconnect()));
  await app?.close();
  await admin?.disconnect();
  delete process.env.KAFKA_TOPIC_PREFIX;
  delete process.env.KARAFKA_CLIENT_ID;
});

const http = () => request(app.getHttpServer());

/** Every message of a Kafka topic (by route name), read with a plain kafkajs consumer. */
async function readTopic(topic: string): Promise<Array<{ key: string | null; value: unknown }>> {
  const seen: Array<{ key: string | null; value: unknown }> = [];
  const reader = kafka().consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  readers.push(reader);
  await reader.connect();
  await reader.subscribe({ topic: prefix + topic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      seen.push({
        key: message.key?.toString() ?? null,
        value: JSON.parse(message.value!.toString()),
      });
    },
  });
  return seen;
}

async function endOffsets(topic: string): Promise<string> {
  const offsets = await admin.fetchTopicOffsets(prefix + topic);
  return offsets
    .sort((a, b) => a.partition - b.partition)
    .map(({ partition, high }) => `${partition}:${high}`)
    .join(',');
}

describe('the sample shop, end to end on a real broker', () => {
  it('turns HTTP commands into events, a materialized cart, an order and stats', async () => {
    const id = cartId();
    for (const item of ['Book about Erlang', 'Book about Ruby', 'Book about Ruby']) {
      const added = await http().post(`/carts/${id}/items`).send({ item }).expect(202);
      expect(added.body.event).toMatchObject({ type: 'item_added', cartId: id, item });
      expect(added.body.delivery.topic).toBe('cart_events');
    }
    await http().delete(`/carts/${id}/items/Book about Ruby`).expect(202);
    const checkout = await http().post(`/carts/${id}/checkout`).expect(202);
    expect(new Date(checkout.body.event.at).toISOString()).toBe(checkout.body.event.at);
    const checkoutOffset: string = checkout.body.delivery.offset;

    await eventually(
      async () => (await http().get(`/carts/${id}`)).body.status === 'checked_out',
      30_000,
      'the materialized cart',
    );
    const cart = await http().get(`/carts/${id}`).expect(200);
    expect(cart.body).toMatchObject({
      cartId: id,
      items: { 'Book about Erlang': 1, 'Book about Ruby': 1 },
      status: 'checked_out',
      events: 5,
      checkouts: 1,
    });

    let orders: Order[] = [];
    await eventually(
      async () => {
        orders = (await http().get(`/orders/${id}`)).body as Order[];
        return orders.length > 0;
      },
      30_000,
      'the order read back from orders_placed',
    );
    expect(orders).toEqual([
      expect.objectContaining({
        orderId: `${id}-${checkoutOffset}`,
        items: { 'Book about Erlang': 1, 'Book about Ruby': 1 },
        removedBeforeCheckout: { 'Book about Ruby': 1 },
      }),
    ]);

    const stats = await http().get('/stats').expect(200);
    expect(stats.body.orders).toBeGreaterThanOrEqual(1);
    expect(stats.body.addedButNotBought.byItem['Book about Ruby']).toBeGreaterThanOrEqual(1);
    const timing = stats.body.timeToOrder.perOrder.find(
      (order: { cartId: string }) => order.cartId === id,
    );
    expect(timing.fromFirstItemMs).toBeGreaterThanOrEqual(timing.fromLastItemMs);
    expect(timing.fromLastItemMs).toBeGreaterThanOrEqual(0);
    expect(stats.body.timeToOrder.averageFromFirstItemMs).toEqual(expect.any(Number));

    await http().get(`/carts/${cartId()}`).expect(404);
  });

  it('puts exactly one order per checkout on orders_placed, and audits carts on cart_audit', async () => {
    const id = cartId();
    await http().post(`/carts/${id}/items`).send({ item: 'Kafka: The Definitive Guide' });
    await http().post(`/carts/${id}/checkout`).expect(202);
    await http().post(`/carts/${id}/checkout`).expect(202); // an empty basket: no second order
    await http().post(`/carts/${cartId()}/checkout`).expect(202); // no cart at all: no order

    const placed = await readTopic('orders_placed');
    const audit = await readTopic('cart_audit');
    await eventually(() => placed.some((m) => m.key === id), 30_000, 'the order in Kafka');
    await eventually(
      () => audit.some((m) => m.key === id && (m.value as { cart: unknown }).cart !== null),
      30_000,
      'the audit record',
    );
    // Give a duplicate the time to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ours = placed.filter((m) => m.key === id);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.value).toMatchObject({
      cartId: id,
      items: { 'Kafka: The Definitive Guide': 1 },
    });
  });

  it('answers a bad body with 400 and the reasons, and produces nothing', async () => {
    const before = await endOffsets('cart_events');
    const id = cartId();

    const empty = await http().post(`/carts/${id}/items`).send({}).expect(400);
    expect(empty.body.message).toEqual(expect.arrayContaining(['item should not be empty']));
    const extra = await http()
      .post(`/carts/${id}/items`)
      .send({ item: 'Book', price: 10 })
      .expect(400);
    expect(extra.body.message).toEqual(['property price should not exist']);
    const wrongType = await http().post(`/carts/${id}/items`).send({ item: 42 }).expect(400);
    expect(wrongType.body.message).toEqual(expect.arrayContaining(['item must be a string']));
    const badId = await http().post('/carts/no%20spaces/items').send({ item: 'Book' }).expect(400);
    expect(badId.body.message[0]).toMatch(/cartId may only hold/);
    await http()
      .post('/inventory')
      .set('content-type', 'text/csv')
      .send('sku,quantity\nBOOK,lots\n')
      .expect(400);

    expect(await endOffsets('cart_events')).toBe(before);
  });

  it('sends one webhook per customer for a burst of events ("more events, fewer requests")', async () => {
    const customers = [cartId(), cartId(), cartId()];
    const producer = kafka().producer();
    await producer.connect();
    const at = new Date().toISOString();
    // One produce request: each customer's burst lands as one record batch of its partition.
    await producer.send({
      topic: prefix + 'cart_events',
      messages: customers.flatMap((customer) =>
        Array.from({ length: 5 }, (_, n) => ({
          key: customer,
          value: JSON.stringify({ type: 'item_added', cartId: customer, item: `item-${n}`, at }),
        })),
      ),
    });
    await producer.disconnect();

    type Notification = { customer: string; events: unknown[] };
    let ours: Notification[] = [];
    await eventually(
      async () => {
        const outbox = (await http().get('/webhooks/outbox').expect(200)).body as {
          notifications: Notification[];
        };
        ours = outbox.notifications.filter((n) => customers.includes(n.customer));
        return ours.reduce((sum, n) => sum + n.events.length, 0) === 15;
      },
      30_000,
      'the webhooks of the burst',
    );
    expect(ours.map((n) => n.customer).sort()).toEqual([...customers].sort());
    for (const notification of ours) expect(notification.events).toHaveLength(5);

    const outbox = (await http().get('/webhooks/outbox')).body as {
      events: number;
      requests: number;
    };
    expect(outbox.requests).toBeLessThan(outbox.events);
  });

  it('parses CSV inventory with the custom deserializer', async () => {
    const sku = `SKU-${randomBytes(3).toString('hex')}`;
    const posted = await http()
      .post('/inventory')
      .set('content-type', 'text/csv')
      .send(`sku,quantity\n${sku}-A,3\n\n${sku}-B, 0\n`)
      .expect(202);
    expect(posted.body.lines).toBe(2);

    // A CSV some other system produced straight to Kafka.
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: prefix + 'inventory_csv',
      messages: [{ value: `${sku}-C,12\r\n${sku}-A,2\r\n` }],
    });
    await producer.disconnect();

    await eventually(
      async () => {
        const { stock } = (await http().get('/inventory')).body as {
          stock: Record<string, number>;
        };
        return stock[`${sku}-C`] === 12 && stock[`${sku}-A`] === 2;
      },
      30_000,
      'the inventory',
    );
    const { body } = await http().get('/inventory').expect(200);
    expect(body.stock).toMatchObject({ [`${sku}-A`]: 2, [`${sku}-B`]: 0, [`${sku}-C`]: 12 });
    expect(body.imports).toBeGreaterThanOrEqual(2);
  });

  it('skips an inventory import over the stock limit through its exception filter, and goes on', async () => {
    const sku = `SKU-${randomBytes(3).toString('hex')}`;
    // Same key: both land on one partition, the skipped import first.
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: prefix + 'inventory_csv',
      messages: [
        { key: sku, value: `${sku}-A,500000\n` },
        { key: sku, value: `${sku}-A,7\n` },
      ],
    });
    await producer.disconnect();
    await eventually(
      async () => (await http().get('/inventory')).body.stock[`${sku}-A`] === 7,
      30_000,
      'the import after the skipped one',
    );
    const { body } = await http().get('/metrics/karafka').expect(200);
    expect(body.errors['consumer.consume.error (handled)']).toBeGreaterThanOrEqual(1);
    expect(body.errors['consumer.consume.error']).toBeUndefined(); // not retried as a failure
    // The global timing interceptor saw the inventory calls.
    expect(body.consumeTime.inventory_csv.calls).toBeGreaterThanOrEqual(2);
    expect(body.consumeTime.inventory_csv.maxMs).toBeGreaterThanOrEqual(0);
  });

  it('counts Karafka events by name at /metrics/karafka', async () => {
    const id = cartId();
    await http().post(`/carts/${id}/items`).send({ item: 'Book' }).expect(202);
    await http().post(`/carts/${id}/checkout`).expect(202);
    await eventually(
      async () => {
        const { body } = await http().get('/metrics/karafka');
        return body.events['consumer.consumed'] > 0 && body.events['responder.responded'] > 0;
      },
      30_000,
      'metrics',
    );
    const { body } = await http().get('/metrics/karafka').expect(200);
    expect(body.events['message.produced_sync']).toBeGreaterThan(0);
    expect(body.events['app.running']).toBe(1);
    expect(body.events['rebalance.partitions_assigned']).toBeGreaterThan(0);
    expect(body.messagesConsumed.cart_events).toBeGreaterThan(0);
    expect(body.messagesConsumed.orders_placed).toBeGreaterThan(0);
  });

  it('mounts the web UI at /karafka: its process reports the shop routes through Kafka', async () => {
    const clientId = process.env.KARAFKA_CLIENT_ID!;
    await eventually(
      async () => (await http().get('/karafka/processes')).text.includes(`<td>${clientId}</td>`),
      30_000,
      'the shop process on the Processes page',
    );
    const routing = await http().get('/karafka/routing').expect(200);
    expect(routing.headers['content-security-policy']).toContain("default-src 'none'");
    expect(routing.text).toContain('cart_events =&gt;');
    expect(routing.text).toContain(`${prefix}cart_events`);
    await http()
      .get('/karafka/assets/app.css')
      .expect(200)
      .expect('content-type', /text\/css/);
  });

  it('exposes Prometheus metrics at /metrics, with consumed messages and lag per partition', async () => {
    const id = cartId();
    await http().post(`/carts/${id}/items`).send({ item: 'Book' }).expect(202);
    await eventually(
      async () => (await http().get('/metrics')).text.includes('karafka_messages_consumed_total{'),
      30_000,
      'consumed messages in /metrics',
    );
    const response = await http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(
      /karafka_messages_consumed_total\{group="[^"]+",topic="cart_events",partition="\d"\} \d+/,
    );
    expect(response.text).toMatch(
      /karafka_consumer_lag\{group="[^"]+",topic="cart_events",partition="\d"\} \d+/,
    );
    expect(response.text).toContain('# TYPE karafka_consume_duration_seconds histogram');
    expect(response.text).toContain('process_cpu_seconds_total'); // defaultMetrics: true
  });

  it('answers the probes at /health/ready and /health/live', async () => {
    await eventually(
      async () => (await http().get('/health/ready')).status === 200,
      30_000,
      'ready',
    );
    const { body } = await http().get('/health/ready').expect(200);
    expect(body.status).toBe('ok');
    expect(body.details.kafka.status).toBe('up');
    expect(body.details.kafka.groups).toHaveLength(4);
    await http().get('/health/live').expect(200);
  });

  it('prints the flow the README shows', () => {
    expect(describeFlow(app.get(RouteRegistry).table.routes)).toBe(
      [
        'cart_events (group carts) =>',
        '  - cart_audit:             (always, one or more)',
        'cart_events (group orders) =>',
        '  - orders_placed:          (conditionally, exactly once)',
        'cart_events (group webhooks) => (nothing)',
        'inventory_csv => (nothing)',
        'orders_placed => (nothing)',
      ].join('\n'),
    );
  });
});
