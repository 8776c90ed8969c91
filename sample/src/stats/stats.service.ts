import { Injectable } from '@nestjs/common';
import { CartsStore } from '../carts/carts.store.js';
import { OrdersStore } from '../orders/orders.store.js';

export interface OrderTiming {
  orderId: string;
  cartId: string;
  /** From the first item added to the checkout. */
  fromFirstItemMs: number;
  /** From the last item added to the checkout. */
  fromLastItemMs: number;
}

export interface ShopStats {
  orders: number;
  /** Items added and then removed before a checkout: interest that did not turn into a sale. */
  addedButNotBought: { total: number; byItem: Record<string, number> };
  timeToOrder: {
    averageFromFirstItemMs: number | null;
    averageFromLastItemMs: number | null;
    perOrder: OrderTiming[];
  };
  /** open: items in the basket and no checkout yet. */
  carts: { total: number; open: number; checkedOut: number };
}

/**
 * Answers questions nobody asked when the shop was built, from data only an event log keeps:
 * a cart table would only know what is in the basket now.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly orders: OrdersStore,
    private readonly carts: CartsStore,
  ) {}

  stats(): ShopStats {
    const orders = this.orders.all();
    const byItem: Record<string, number> = {};
    let total = 0;
    for (const order of orders) {
      for (const [item, count] of Object.entries(order.removedBeforeCheckout)) {
        byItem[item] = (byItem[item] ?? 0) + count;
        total += count;
      }
    }
    const perOrder = orders.map((order) => ({
      orderId: order.orderId,
      cartId: order.cartId,
      fromFirstItemMs: Date.parse(order.placedAt) - Date.parse(order.firstItemAt),
      fromLastItemMs: Date.parse(order.placedAt) - Date.parse(order.lastItemAt),
    }));
    const carts = this.carts.all();
    return {
      orders: orders.length,
      addedButNotBought: { total, byItem },
      timeToOrder: {
        averageFromFirstItemMs: average(perOrder.map((o) => o.fromFirstItemMs)),
        averageFromLastItemMs: average(perOrder.map((o) => o.fromLastItemMs)),
        perOrder,
      },
      carts: {
        total: carts.length,
        open: carts.filter((c) => c.status === 'open' && Object.keys(c.items).length > 0).length,
        checkedOut: carts.filter((c) => c.status === 'checked_out').length,
      },
    };
  }
}

function average(values: number[]): number | null {
  return values.length ? Math.round(values.reduce((sum, v) => sum + v, 0) / values.length) : null;
}
