import type { CartEvent } from '../shared/cart-event.js';

/** A cart as the events made it: a fold of its events, never stored directly. */
export interface Cart {
  cartId: string;
  /** item -> quantity */
  items: Record<string, number>;
  status: 'open' | 'checked_out';
  /** Events folded into this cart since it was created. */
  events: number;
  checkouts: number;
  updatedAt: string;
}

export function emptyCart(cartId: string, at: string): Cart {
  return { cartId, items: {}, status: 'open', events: 0, checkouts: 0, updatedAt: at };
}

/**
 * The cart after one more event. Pure: the same events in the same order always give the
 * same cart, which is why keying the events by cart id (one partition, one order) is enough.
 * After a checkout the next item starts a new, empty basket in the same cart.
 */
export function applyCartEvent(cart: Cart, event: CartEvent): Cart {
  const next: Cart = { ...cart, items: { ...cart.items }, events: cart.events + 1 };
  next.updatedAt = event.at;
  switch (event.type) {
    case 'item_added':
      if (cart.status === 'checked_out') {
        next.items = {};
        next.status = 'open';
      }
      next.items[event.item] = (next.items[event.item] ?? 0) + 1;
      break;
    case 'item_removed': {
      const quantity = next.items[event.item] ?? 0;
      if (quantity <= 1) delete next.items[event.item];
      else next.items[event.item] = quantity - 1;
      break;
    }
    case 'purchase_completed':
      if (cart.status === 'open' && Object.keys(cart.items).length > 0) {
        next.status = 'checked_out';
        next.checkouts += 1;
      }
      break;
  }
  return next;
}
