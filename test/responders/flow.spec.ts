import { describe, expect, it } from 'vitest';
import { describeFlow, flowAsJson, flowAsMermaid } from '../../lib/responders/flow.js';
import { routeOf } from './responder-routes.js';

class CartEventsConsumer {}
class PingsConsumer {}
class OrdersConsumer {}

const routes = [
  routeOf(PingsConsumer, 'pings', []),
  routeOf(CartEventsConsumer, 'cart_events', [{ topic: 'carts_materialized', multiple: true }]),
  routeOf(OrdersConsumer, 'orders', [
    { topic: 'orders_placed' },
    { topic: 'audit', required: false, multiple: true },
    { topic: 'alerts', required: false },
    { topic: 'a_much_longer_responder_topic_name', required: true, multiple: true },
  ]),
];

describe('flow output', () => {
  it('prints Karafka’s flow: sorted topics and responders, aligned rules', () => {
    expect(describeFlow(routes)).toBe(
      [
        'cart_events =>',
        '  - carts_materialized:     (always, one or more)',
        'orders =>',
        '  - a_much_longer_responder_topic_name: (always, one or more)',
        '  - alerts:                             (conditionally, exactly once)',
        '  - audit:                              (conditionally, one or more)',
        '  - orders_placed:                      (always, exactly once)',
        'pings => (nothing)',
      ].join('\n'),
    );
  });

  it('matches the example of the design exactly', () => {
    expect(describeFlow(routes.slice(0, 2))).toBe(
      'cart_events =>\n  - carts_materialized:     (always, one or more)\npings => (nothing)',
    );
    expect(describeFlow([])).toBe('');
  });

  it('names the group when a topic is routed in several groups', () => {
    const twice = [
      routeOf(PingsConsumer, 'pings', [], 'monitoring'),
      routeOf(PingsConsumer, 'pings', [{ topic: 'pongs' }], 'app'),
    ];
    expect(describeFlow(twice)).toBe(
      [
        'pings (group app) =>',
        '  - pongs:                  (always, exactly once)',
        'pings (group monitoring) => (nothing)',
      ].join('\n'),
    );
  });

  it('as JSON', () => {
    expect(JSON.parse(flowAsJson(routes.slice(0, 2)))).toEqual([
      {
        topic: 'cart_events',
        group: 'app',
        consumer: 'CartEventsConsumer',
        responders: [
          {
            topic: 'carts_materialized',
            required: true,
            multiple: true,
            rule: 'always, one or more',
          },
        ],
      },
      { topic: 'pings', group: 'app', consumer: 'PingsConsumer', responders: [] },
    ]);
  });

  it('as a Mermaid flowchart, one labelled edge per responder', () => {
    expect(flowAsMermaid(routes)).toBe(
      [
        'flowchart LR',
        '  t0["cart_events"]',
        '  t1["carts_materialized"]',
        '  t2["orders"]',
        '  t3["a_much_longer_responder_topic_name"]',
        '  t4["alerts"]',
        '  t5["audit"]',
        '  t6["orders_placed"]',
        '  t7["pings"]',
        '  t0 -->|"always, one or more"| t1',
        '  t2 -->|"always, one or more"| t3',
        '  t2 -->|"conditionally, exactly once"| t4',
        '  t2 -->|"conditionally, one or more"| t5',
        '  t2 -->|"always, exactly once"| t6',
      ].join('\n'),
    );
  });
});

describe('flow output of Nest pattern handlers', () => {
  it('marks @EventPattern and @MessagePattern routes with their handler', () => {
    class OrdersControllerOnOrder {}
    class PricesControllerGet {}
    Object.defineProperty(OrdersControllerOnOrder, 'name', { value: 'OrdersController.onOrder' });
    Object.defineProperty(PricesControllerGet, 'name', { value: 'PricesController.get' });
    const patternRoutes = [
      {
        ...routeOf(OrdersControllerOnOrder, 'orders', []),
        pattern: {
          kind: 'event' as const,
          pattern: 'orders',
          controller: 'OrdersController',
          method: 'onOrder',
        },
      },
      {
        ...routeOf(PricesControllerGet, 'prices.get', []),
        pattern: {
          kind: 'message' as const,
          pattern: 'prices.get',
          controller: 'PricesController',
          method: 'get',
        },
      },
    ];
    expect(describeFlow(patternRoutes)).toBe(
      [
        'orders => (nothing)  [@EventPattern OrdersController.onOrder]',
        "prices.get => the request's kafka_replyTopic  [@MessagePattern PricesController.get]",
      ].join('\n'),
    );
  });
});
