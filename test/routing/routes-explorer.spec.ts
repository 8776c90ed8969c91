import { Injectable, Module, type ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { KarafkaModuleOptions } from '../../lib/karafka-module-options.js';
import { KarafkaModule } from '../../lib/karafka.module.js';
import { KARAFKA_DESERIALIZER, KARAFKA_SERIALIZER } from '../../lib/karafka.constants.js';
import { PrefixTopicMapper } from '../../lib/mapping/topic-mapper.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Responds } from '../../lib/responders/responds.decorator.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { RouteRegistry } from '../../lib/routing/route-registry.js';
import type { RouteTable } from '../../lib/routing/route-table.js';
import { KarafkaRoutingError } from '../../lib/routing/routing.error.js';
import type {
  DeserializationInput,
  Deserializer,
} from '../../lib/serialization/serialization.interfaces.js';
import { JsonDeserializer, JsonSerializer } from '../../lib/serialization/json.js';

// Nothing here connects to Kafka: routes are built at init, consuming starts at listen().
const base: KarafkaModuleOptions = {
  clientId: 'shop',
  kafka: { brokers: ['127.0.0.1:9092'] },
  logger: false,
};

let app: TestingModule | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(
  metadata: ModuleMetadata = {},
  options: Partial<KarafkaModuleOptions> = {},
): Promise<TestingModule> {
  app = await Test.createTestingModule({
    ...metadata,
    imports: [KarafkaModule.forRoot({ ...base, ...options }), ...(metadata.imports ?? [])],
  }).compile();
  await app.init();
  return app;
}

async function routesOf(
  metadata: ModuleMetadata = {},
  options: Partial<KarafkaModuleOptions> = {},
): Promise<RouteTable> {
  return (await boot(metadata, options)).get(RouteRegistry).table;
}

/** Boots, expecting a KarafkaRoutingError; returns its message. */
async function bootError(
  metadata: ModuleMetadata,
  options: Partial<KarafkaModuleOptions> = {},
): Promise<string> {
  const error = await boot(metadata, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KarafkaRoutingError);
  return (error as KarafkaRoutingError).message;
}

@Consumer('orders')
class OrdersConsumer extends BaseConsumer {
  consume(): void {}
}

describe('RoutesExplorer', () => {
  describe('routes of @Consumer providers', () => {
    it('routes a topic to the class in the default group <clientId>_app, with a single-message default', async () => {
      const table = await routesOf({ providers: [OrdersConsumer] });
      expect(table.routes).toHaveLength(1);
      const [route] = table.routes;
      expect(route).toMatchObject({
        topic: 'orders',
        kafkaTopic: 'orders',
        group: 'app',
        groupId: 'shop_app',
        consumerClass: OrdersConsumer,
        batch: false,
      });
      expect(table.groups.map((g) => g.id)).toEqual(['shop_app']);
      expect(table.find('shop_app', 'orders')).toBe(route);
    });

    it('derives <clientId>_<group> from { group }', async () => {
      @Consumer('invoices', { group: 'billing', batch: true })
      class InvoicesConsumer extends BaseConsumer {
        consume(): void {}
      }
      const table = await routesOf({ providers: [OrdersConsumer, InvoicesConsumer] });
      expect(table.groups.map((g) => [g.id, g.name])).toEqual([
        ['shop_app', 'app'],
        ['shop_billing', 'billing'],
      ]);
      expect(table.find('shop_billing', 'invoices')).toMatchObject({
        group: 'billing',
        batch: true,
        consumerClass: InvoicesConsumer,
      });
    });

    it('gives one route per stacked @Consumer of a class', async () => {
      @Consumer('clicks', { batch: true })
      @Consumer('views', { group: 'analytics' })
      class TrackingConsumer extends BaseConsumer {
        consume(): void {}
      }
      const table = await routesOf({ providers: [TrackingConsumer] });
      expect(
        table.routes.map((r) => [r.groupId, r.topic, r.batch, r.consumerClass]).sort(),
      ).toEqual(
        [
          ['shop_app', 'clicks', true, TrackingConsumer],
          ['shop_analytics', 'views', false, TrackingConsumer],
        ].sort(),
      );
    });

    it('ignores providers without @Consumer and a class listed twice', async () => {
      @Injectable()
      class PlainService {}
      const table = await routesOf({
        providers: [OrdersConsumer, PlainService, { provide: 'again', useClass: OrdersConsumer }],
      });
      expect(table.routes.map((r) => r.topic)).toEqual(['orders']);
    });

    it('adds the programmatic routes of forRoot({ routes })', async () => {
      class PaymentsConsumer extends BaseConsumer {
        consume(): void {}
      }
      const table = await routesOf(
        { providers: [OrdersConsumer, PaymentsConsumer] },
        {
          routes: [{ topic: 'payments', consumer: PaymentsConsumer, group: 'money', batch: true }],
        },
      );
      expect(table.find('shop_money', 'payments')).toMatchObject({
        topic: 'payments',
        consumerClass: PaymentsConsumer,
        batch: true,
      });
      expect(table.routes).toHaveLength(2);
    });

    it('applies the topic mapper to the Kafka topic, keeping the route topic', async () => {
      const table = await routesOf(
        { providers: [OrdersConsumer] },
        { topicMapper: new PrefixTopicMapper('acme.') },
      );
      const [route] = table.routes;
      expect(route).toMatchObject({ topic: 'orders', kafkaTopic: 'acme.orders' });
      expect(table.find('shop_app', 'acme.orders')).toBe(route);
      expect(table.find('shop_app', 'orders')).toBeUndefined();
    });
  });

  describe('route options', () => {
    it('exactlyOnce excludes manualOffsets; a group has one isolation level', async () => {
      @Consumer('payments', { exactlyOnce: true, manualOffsets: true })
      class ManualExactlyOnce extends BaseConsumer {
        consume(): void {}
      }
      expect(await bootError({ providers: [ManualExactlyOnce] })).toMatch(
        /manualOffsets: cannot be combined with exactlyOnce/,
      );

      @Consumer('payments', { isolationLevel: 'read_uncommitted' })
      class DirtyReader extends BaseConsumer {
        consume(): void {}
      }
      expect(await bootError({ providers: [OrdersConsumer, DirtyReader] })).toMatch(
        /Consumer group "app" mixes isolation levels: .* give its routes the same isolationLevel/s,
      );
      const [orders, payments] = (
        await routesOf(
          { providers: [OrdersConsumer, DirtyReader] },
          { consumer: { isolationLevel: 'read_uncommitted' } },
        )
      ).routes;
      expect(orders).toMatchObject({ isolationLevel: 'read_uncommitted', exactlyOnce: false });
      expect(payments).toMatchObject({ isolationLevel: 'read_uncommitted' });
    });

    it('exactlyOnce refuses virtual partitions at boot, listing every problem of the route', async () => {
      @Consumer('payments', {
        exactlyOnce: true,
        manualOffsets: true,
        virtualPartitions: { max: 4 },
      })
      class ParallelExactlyOnce extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [ParallelExactlyOnce] });
      expect(message).toMatch(/ParallelExactlyOnce \(topic "payments"\) has invalid options/);
      expect(message).toMatch(/manualOffsets: cannot be combined with exactlyOnce/);
      expect(message).toMatch(
        /virtualPartitions: cannot be combined with exactlyOnce .* give the topic more partitions instead/s,
      );

      // With automaticallyMarkAsConsumed: false an exactly-once route still commits by itself.
      @Consumer('payments', { exactlyOnce: true })
      class ExactlyOnce extends BaseConsumer {
        consume(): void {}
      }
      const [route] = (
        await routesOf({ providers: [ExactlyOnce] }, { automaticallyMarkAsConsumed: false })
      ).routes;
      expect(route).toMatchObject({ exactlyOnce: true, manualOffsets: false });
    });

    it('defaults persistent, initialOffset and manualOffsets from the config defaults', async () => {
      const [route] = (await routesOf({ providers: [OrdersConsumer] })).routes;
      expect(route).toMatchObject({
        persistent: true,
        initialOffset: 'earliest',
        manualOffsets: false,
      });
    });

    it('takes consumerPersistence, initialOffset and !automaticallyMarkAsConsumed from the module config', async () => {
      const [route] = (
        await routesOf(
          { providers: [OrdersConsumer] },
          {
            consumerPersistence: false,
            initialOffset: 'latest',
            automaticallyMarkAsConsumed: false,
          },
        )
      ).routes;
      expect(route).toMatchObject({
        persistent: false,
        initialOffset: 'latest',
        manualOffsets: true,
      });
    });

    it('lets route options override the module config', async () => {
      @Consumer('orders', { persistent: true, initialOffset: 'earliest', manualOffsets: false })
      class Overriding extends BaseConsumer {
        consume(): void {}
      }
      const [route] = (
        await routesOf(
          { providers: [Overriding] },
          {
            consumerPersistence: false,
            initialOffset: 'latest',
            automaticallyMarkAsConsumed: false,
          },
        )
      ).routes;
      expect(route).toMatchObject({
        persistent: true,
        initialOffset: 'earliest',
        manualOffsets: false,
      });
    });

    it('uses the module default deserializer (JSON) when the route has none', async () => {
      const module = await boot({ providers: [OrdersConsumer] });
      const [route] = module.get(RouteRegistry).table.routes;
      expect(route!.deserializer).toBeInstanceOf(JsonDeserializer);
      expect(route!.deserializer).toBe(module.get(KARAFKA_DESERIALIZER));
    });

    it('uses a deserializer instance as given', async () => {
      const deserializer: Deserializer = { deserialize: () => 'custom' };
      @Consumer('orders', { deserializer })
      class Custom extends BaseConsumer {
        consume(): void {}
      }
      const [route] = (await routesOf({ providers: [Custom] })).routes;
      expect(route!.deserializer).toBe(deserializer);
    });

    it('resolves a deserializer class through DI, with constructor injection', async () => {
      @Injectable()
      class SchemaRegistry {
        readonly name = 'registry';
      }
      @Injectable()
      class AvroDeserializer implements Deserializer {
        constructor(readonly registry: SchemaRegistry) {}
        deserialize({ raw }: DeserializationInput): unknown {
          return `${this.registry.name}:${raw?.toString()}`;
        }
      }
      @Consumer('orders', { deserializer: AvroDeserializer })
      class AvroConsumer extends BaseConsumer {
        consume(): void {}
      }
      const [route] = (await routesOf({ providers: [AvroConsumer, SchemaRegistry] })).routes;
      expect(route!.deserializer).toBeInstanceOf(AvroDeserializer);
      expect((route!.deserializer as AvroDeserializer).registry).toBeInstanceOf(SchemaRegistry);
    });

    it('takes a deserializer class registered as a provider from DI (the same instance)', async () => {
      @Injectable()
      class SharedDeserializer implements Deserializer {
        deserialize(): unknown {
          return null;
        }
      }
      @Consumer('orders', { deserializer: SharedDeserializer })
      class Shared extends BaseConsumer {
        consume(): void {}
      }
      const module = await boot({ providers: [Shared, SharedDeserializer] });
      const [route] = module.get(RouteRegistry).table.routes;
      expect(route!.deserializer).toBe(module.get(SharedDeserializer));
    });

    it('keeps payload DTO and topic config', async () => {
      class OrderDto {}
      @Consumer('orders', {
        payload: OrderDto,
        config: { partitions: 6, replicationFactor: 1, settings: { 'cleanup.policy': 'compact' } },
      })
      class Typed extends BaseConsumer {
        consume(): void {}
      }
      const [route] = (await routesOf({ providers: [Typed] })).routes;
      expect(route!.payload).toBe(OrderDto);
      expect(route!.config).toEqual({
        partitions: 6,
        replicationFactor: 1,
        settings: { 'cleanup.policy': 'compact' },
      });
    });

    it('freezes every route', async () => {
      const [route] = (await routesOf({ providers: [OrdersConsumer] })).routes;
      expect(Object.isFrozen(route)).toBe(true);
      expect(Object.isFrozen(route!.responders)).toBe(true);
    });
  });

  describe('responders', () => {
    it('lists @Responds in written order, with required=true and multiple=false by default', async () => {
      @Consumer('carts')
      @Responds('carts_materialized', { multiple: true })
      @Responds('carts_audit', { required: false })
      @Responds('carts_totals')
      class CartsConsumer extends BaseConsumer {
        consume(): void {}
      }
      const module = await boot({ providers: [CartsConsumer] });
      const [route] = module.get(RouteRegistry).table.routes;
      expect(
        route!.responders.map(({ topic, required, multiple }) => ({ topic, required, multiple })),
      ).toEqual([
        { topic: 'carts_materialized', required: true, multiple: true },
        { topic: 'carts_audit', required: false, multiple: false },
        { topic: 'carts_totals', required: true, multiple: false },
      ]);
      for (const responder of route!.responders) {
        expect(responder.serializer).toBe(module.get(KARAFKA_SERIALIZER));
      }
      expect(module.get(KARAFKA_SERIALIZER)).toBeInstanceOf(JsonSerializer);
    });

    it('resolves a per-topic serializer class through DI', async () => {
      @Injectable()
      class CsvSerializer {
        serialize(payload: unknown): string {
          return String(payload);
        }
      }
      @Consumer('carts')
      @Responds('carts_csv', { serializer: CsvSerializer })
      class CsvConsumer extends BaseConsumer {
        consume(): void {}
      }
      const [route] = (await routesOf({ providers: [CsvConsumer] })).routes;
      expect(route!.responders[0]!.serializer).toBeInstanceOf(CsvSerializer);
    });

    it('gives a consumer without @Responds no responders', async () => {
      const [route] = (await routesOf({ providers: [OrdersConsumer] })).routes;
      expect(route!.responders).toEqual([]);
    });
  });

  describe('the consumer module', () => {
    it("gives route.moduleRef the DI of the consumer's own feature module", async () => {
      @Injectable()
      class Ledger {
        readonly entries: string[] = [];
      }
      @Consumer('ledger_events')
      class LedgerConsumer extends BaseConsumer {
        constructor(readonly ledger: Ledger) {
          super();
        }
        consume(): void {}
      }
      // Ledger is not exported: only the feature module can inject it.
      @Module({ providers: [LedgerConsumer, Ledger] })
      class LedgerModule {}

      const module = await boot({ imports: [LedgerModule] });
      const [route] = module.get(RouteRegistry).table.routes;
      expect(route!.consumerClass).toBe(LedgerConsumer);
      const instance = (await route!.moduleRef.create(route!.consumerClass)) as LedgerConsumer;
      expect(instance).toBeInstanceOf(LedgerConsumer);
      expect(instance.ledger).toBeInstanceOf(Ledger);
      expect(instance.ledger).toBe(route!.moduleRef.get(Ledger));
      // A new instance per create (persistent consumers are kept by the executor, not by DI).
      expect(await route!.moduleRef.create(route!.consumerClass)).not.toBe(instance);
    });
  });

  describe('boot errors (KarafkaRoutingError naming the class and the topic)', () => {
    it('refuses the same topic twice in one group', async () => {
      @Consumer('orders')
      class OtherOrdersConsumer extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [OrdersConsumer, OtherOrdersConsumer] });
      expect(message).toContain('"orders"');
      expect(message).toContain('OrdersConsumer');
      expect(message).toContain('OtherOrdersConsumer');
      expect(message).toContain('"app"');
    });

    it('allows the same topic in two groups', async () => {
      @Consumer('orders', { group: 'audit' })
      class AuditOrders extends BaseConsumer {
        consume(): void {}
      }
      const table = await routesOf({ providers: [OrdersConsumer, AuditOrders] });
      expect(table.routes.map((r) => r.groupId)).toEqual(['shop_app', 'shop_audit']);
    });

    it('refuses the same topic twice between a decorated and a programmatic route', async () => {
      class Again extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError(
        { providers: [OrdersConsumer] },
        { routes: [{ topic: 'orders', consumer: Again }] },
      );
      expect(message).toMatch(/"orders".*OrdersConsumer.*Again/s);
    });

    it('refuses two route topics that the topic mapper maps onto one Kafka topic', async () => {
      const versionless = {
        incoming: (topic: string) => topic,
        outgoing: (topic: string) => topic.replace(/_v\d+$/, ''),
      };
      @Consumer('orders_v2')
      class OrdersV2Consumer extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError(
        { providers: [OrdersConsumer, OrdersV2Consumer] },
        { topicMapper: versionless },
      );
      expect(message).toContain('"orders" and "orders_v2" (both Kafka topic "orders")');
      expect(message).toContain('OrdersConsumer and to OrdersV2Consumer');
    });

    it('refuses a Kafka topic name made invalid by the topic mapper', async () => {
      const message = await bootError(
        { providers: [OrdersConsumer] },
        { topicMapper: new PrefixTopicMapper('acme/') },
      );
      expect(message).toContain('OrdersConsumer (topic "orders" mapped by the topic mapper)');
      expect(message).toContain('"acme/orders"');
    });

    it('refuses a class without consume()', async () => {
      @Consumer('orders')
      class NotAConsumer {}
      const message = await bootError({ providers: [NotAConsumer] });
      expect(message).toContain('NotAConsumer');
      expect(message).toContain('"orders"');
      expect(message).toContain('consume()');
    });

    it('refuses an invalid topic name', async () => {
      @Consumer('bad topic!')
      class BadTopic extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [BadTopic] });
      expect(message).toContain('BadTopic');
      expect(message).toContain('"bad topic!"');
    });

    it('refuses an empty topic and one over 249 characters', async () => {
      @Consumer('')
      class Empty extends BaseConsumer {
        consume(): void {}
      }
      expect(await bootError({ providers: [Empty] })).toContain('Empty: invalid topic name ""');
      const long = 'x'.repeat(250);
      @Consumer(long)
      class Long extends BaseConsumer {
        consume(): void {}
      }
      expect(await bootError({ providers: [Long] })).toContain(
        `Long: invalid topic name "${long}"`,
      );
    });

    it('lists every invalid option in one error: unknown key, batch "yes", initialOffset "middle"', async () => {
      @Consumer('orders', { batch: 'yes', initialOffset: 'middle', retries: 3 } as never)
      class BadOptions extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [BadOptions] });
      expect(message).toContain('BadOptions (topic "orders") has invalid options');
      expect(message).toContain('retries: is not a known option');
      expect(message).toContain('batch: must be a boolean');
      expect(message).toContain("initialOffset: must be 'earliest' or 'latest'");
    });

    it('refuses an invalid group name and a bad deserializer', async () => {
      @Consumer('orders', { group: 'my group', deserializer: 'json' } as never)
      class BadGroup extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [BadGroup] });
      expect(message).toContain('BadGroup (topic "orders")');
      expect(message).toContain('group: must be letters, digits');
      expect(message).toContain('deserializer: must be a class or an object with deserialize()');
    });

    it('refuses a topic declaration with unknown keys or wrong values', async () => {
      @Consumer('orders', {
        config: { partition: 6, replicationFactor: 0, settings: { 'retention.ms': 1000 } },
      } as never)
      class BadDeclaration extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [BadDeclaration] });
      expect(message).toContain('BadDeclaration (topic "orders") has invalid options');
      expect(message).toContain('config.partition: is not a known option');
      expect(message).toContain('config.replicationFactor: must be a positive whole number');
      expect(message).toContain('config.settings: must map topic config names to strings');
    });

    it('refuses a topic declaration that is not an object', async () => {
      @Consumer('orders', { config: 6 } as never)
      class NumberDeclaration extends BaseConsumer {
        consume(): void {}
      }
      expect(await bootError({ providers: [NumberDeclaration] })).toContain(
        'config: must be an object { partitions, replicationFactor, settings }',
      );
    });

    it('refuses @Responds declared twice for one topic', async () => {
      @Consumer('orders')
      @Responds('orders_done')
      @Responds('orders_done', { multiple: true })
      class Twice extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [Twice] });
      expect(message).toContain('Twice');
      expect(message).toContain("'orders_done'");
      expect(message).toContain('multiple: true');
    });

    it('refuses @Responds with an invalid topic name', async () => {
      @Consumer('orders')
      @Responds('done?')
      class BadResponder extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [BadResponder] });
      expect(message).toContain('BadResponder @Responds');
      expect(message).toContain('"done?"');
    });

    it('refuses @Responds without @Consumer', async () => {
      @Responds('orders_done')
      class Stray extends BaseConsumer {
        consume(): void {}
      }
      const message = await bootError({ providers: [Stray] });
      expect(message).toContain('Stray');
      expect(message).toContain("'orders_done'");
      expect(message).toContain('@Consumer');
    });

    it('accepts @Responds on a class routed by forRoot({ routes })', async () => {
      @Responds('orders_done')
      class Listed extends BaseConsumer {
        consume(): void {}
      }
      const table = await routesOf(
        { providers: [Listed] },
        { routes: [{ topic: 'orders', consumer: Listed }] },
      );
      expect(table.routes[0]!.responders.map((r) => r.topic)).toEqual(['orders_done']);
    });

    it('refuses a programmatic route without a consumer class', async () => {
      const message = await bootError({}, { routes: [{ topic: 'orders' } as never] });
      expect(message).toContain('routes[0] (topic "orders")');
      expect(message).toContain('needs a consumer class');
    });
  });

  describe('RouteRegistry', () => {
    it('refuses to give the table before init', async () => {
      const module = await Test.createTestingModule({
        imports: [KarafkaModule.forRoot(base)],
        providers: [OrdersConsumer],
      }).compile();
      app = module;
      const registry = module.get(RouteRegistry);
      expect(registry.ready).toBe(false);
      expect(() => registry.table).toThrow(/after app\.init\(\)/);
      await module.init();
      expect(registry.ready).toBe(true);
      expect(registry.table.routes).toHaveLength(1);
    });
  });
});
