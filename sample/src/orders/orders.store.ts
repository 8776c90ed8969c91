import { Injectable } from '@nestjs/common';
import type { Order } from './order.js';

/** Orders read back from `orders_placed`. Idempotent: a redelivered order is kept once. */
@Injectable()
export class OrdersStore {
  private readonly orders = new Map<string, Order>();

  add(order: Order): boolean {
    if (this.orders.has(order.orderId)) return false;
    this.orders.set(order.orderId, order);
    return true;
  }

  all(): Order[] {
    return [...this.orders.values()];
  }

  byCart(cartId: string): Order[] {
    return this.all().filter((order) => order.cartId === cartId);
  }
}
