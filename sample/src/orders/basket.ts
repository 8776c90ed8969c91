import type { CartEvent } from '../shared/cart-event.js';
import type { Order } from './order.js';

/** A basket on its way to a checkout: the cart plus the history only events can tell. */
export interface Basket {
  items: Record<string, number>;
  removed: Record<string, number>;
  firstItemAt?: string;
  lastItemAt?: string;
}

export function emptyBasket(): Basket {
  return { items: {}, removed: {} };
}

/**
 * Folds one event into a basket. Returns the order when the event is a checkout of a
 * non-empty basket (and the basket to continue with: empty after a checkout).
 */
export function foldBasket(
  basket: Basket,
  event: CartEvent,
  checkoutOffset: string,
): { basket: Basket; order?: Order } {
  switch (event.type) {
    case 'item_added':
      return {
        basket: {
          items: { ...basket.items, [event.item]: (basket.items[event.item] ?? 0) + 1 },
          removed: basket.removed,
          firstItemAt: basket.firstItemAt ?? event.at,
          lastItemAt: event.at,
        },
      };
    case 'item_removed': {
      const quantity = basket.items[event.item] ?? 0;
      if (quantity === 0) return { basket };
      const items = { ...basket.items };
      if (quantity === 1) delete items[event.item];
      else items[event.item] = quantity - 1;
      return {
        basket: {
          ...basket,
          items,
          removed: { ...basket.removed, [event.item]: (basket.removed[event.item] ?? 0) + 1 },
        },
      };
    }
    case 'purchase_completed': {
      if (!Object.keys(basket.items).length || !basket.firstItemAt || !basket.lastItemAt) {
        return { basket }; // nothing to buy: no order
      }
      return {
        basket: emptyBasket(),
        order: {
          orderId: `${event.cartId}-${checkoutOffset}`,
          cartId: event.cartId,
          items: basket.items,
          removedBeforeCheckout: basket.removed,
          firstItemAt: basket.firstItemAt,
          lastItemAt: basket.lastItemAt,
          placedAt: event.at,
        },
      };
    }
  }
}
