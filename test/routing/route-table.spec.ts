import { describe, expect, it } from 'vitest';
import type { Route } from '../../lib/routing/route.js';
import { RouteTable } from '../../lib/routing/route-table.js';

class OrdersConsumer {}
class PaymentsConsumer {}
class AuditConsumer {}

function route(topic: string, group: string, consumerClass: unknown, kafkaTopic = topic): Route {
  return { topic, kafkaTopic, group, groupId: `shop_${group}`, consumerClass } as Route;
}

const orders = route('orders', 'app', OrdersConsumer, 'acme.orders');
const payments = route('payments', 'app', PaymentsConsumer, 'acme.payments');
const audit = route('orders', 'audit', AuditConsumer, 'acme.orders');
const table = new RouteTable([orders, payments, audit]);

describe('RouteTable', () => {
  it('groups routes by consumer group id, in first-seen order, keeping route order', () => {
    expect(table.groups.map((g) => [g.id, g.name, g.routes.map((r) => r.topic)])).toEqual([
      ['shop_app', 'app', ['orders', 'payments']],
      ['shop_audit', 'audit', ['orders']],
    ]);
    expect(table.routes).toEqual([orders, payments, audit]);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(table.groups)).toBe(true);
    expect(Object.isFrozen(table.groups[0])).toBe(true);
    expect(Object.isFrozen(table.groups[0]!.routes)).toBe(true);
  });

  describe('find', () => {
    it('finds a route by group id and Kafka topic', () => {
      expect(table.find('shop_app', 'acme.orders')).toBe(orders);
      expect(table.find('shop_audit', 'acme.orders')).toBe(audit);
      expect(table.find('shop_app', 'acme.payments')).toBe(payments);
    });

    it('does not match the route topic, the group name or another group', () => {
      expect(table.find('shop_app', 'orders')).toBeUndefined();
      expect(table.find('app', 'acme.orders')).toBeUndefined();
      expect(table.find('shop_audit', 'acme.payments')).toBeUndefined();
    });
  });

  describe('select', () => {
    it('keeps everything without a filter', () => {
      expect(table.select().routes).toEqual(table.routes);
      expect(table.select({ groups: [], topics: [] }).routes).toEqual(table.routes);
    });

    it('narrows to groups given by name or by id', () => {
      expect(table.select({ groups: ['audit'] }).routes).toEqual([audit]);
      expect(table.select({ groups: ['shop_app'] }).routes).toEqual([orders, payments]);
    });

    it('narrows to route topics (not Kafka topics)', () => {
      expect(table.select({ topics: ['orders'] }).routes).toEqual([orders, audit]);
      expect(table.select({ topics: ['acme.orders'] }).routes).toEqual([]);
    });

    it('combines group and topic filters', () => {
      const selected = table.select({ groups: ['app'], topics: ['orders'] });
      expect(selected.routes).toEqual([orders]);
      expect(selected.groups.map((g) => g.id)).toEqual(['shop_app']);
      expect(selected.find('shop_app', 'acme.orders')).toBe(orders);
      expect(selected.find('shop_audit', 'acme.orders')).toBeUndefined();
    });

    it('returns a new table and leaves the original unchanged', () => {
      const selected = table.select({ groups: ['audit'] });
      expect(selected).not.toBe(table);
      expect(selected).toBeInstanceOf(RouteTable);
      expect(table.routes).toHaveLength(3);
    });
  });
});
