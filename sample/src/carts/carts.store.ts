import { Injectable } from '@nestjs/common';
import type { CartEvent } from '../shared/cart-event.js';
import { applyCartEvent, emptyCart, type Cart } from './cart.js';

/**
 * The materialized carts (a read model). In memory: it is rebuilt from `cart_events` by the
 * carts consumer; a real shop would keep it in a database.
 */
@Injectable()
export class CartsStore {
  private readonly carts = new Map<string, Cart>();

  /** Folds one event in; a cart exists from its first added item (else: undefined). */
  apply(event: CartEvent): Cart | undefined {
    const current = this.carts.get(event.cartId);
    if (!current && event.type !== 'item_added') return undefined;
    const cart = applyCartEvent(current ?? emptyCart(event.cartId, event.at), event);
    this.carts.set(event.cartId, cart);
    return cart;
  }

  get(cartId: string): Cart | undefined {
    return this.carts.get(cartId);
  }

  get size(): number {
    return this.carts.size;
  }

  all(): Cart[] {
    return [...this.carts.values()];
  }
}
