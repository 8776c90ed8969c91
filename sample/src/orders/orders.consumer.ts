import { BaseConsumer, Consumer, type Messages } from 'nestjs-karafka';
import { PARTITIONS, TOPICS } from '../topics.js';
import type { Order } from './order.js';
import { OrdersStore } from './orders.store.js';

/** Reads the orders the checkout saga emitted (what a billing or shipping service would do). */
@Consumer(TOPICS.ordersPlaced, {
  batch: true,
  group: 'orders',
  config: { partitions: PARTITIONS },
})
export class OrdersConsumer extends BaseConsumer<Order> {
  constructor(private readonly orders: OrdersStore) {
    super();
  }

  consume(messages: Messages<Order>): void {
    for (const order of messages.payloads) this.orders.add(order);
  }
}
