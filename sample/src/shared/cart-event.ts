/** What happens to a cart. Every event carries its cart id and when it happened (ISO 8601). */
export type CartEvent =
  | { type: 'item_added'; cartId: string; item: string; at: string }
  | { type: 'item_removed'; cartId: string; item: string; at: string }
  | { type: 'purchase_completed'; cartId: string; at: string };

export type CartEventType = CartEvent['type'];

export const CART_EVENT_TYPES: readonly CartEventType[] = [
  'item_added',
  'item_removed',
  'purchase_completed',
];
