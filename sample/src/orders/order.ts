/** An `orders_placed` message: what a checkout bought, and how the basket got there. */
export interface Order {
  /** `<cartId>-<offset of the checkout event>`: the same checkout always gives the same id. */
  orderId: string;
  cartId: string;
  /** item -> quantity bought */
  items: Record<string, number>;
  /** item -> how many times it was added and then removed before the checkout */
  removedBeforeCheckout: Record<string, number>;
  firstItemAt: string;
  lastItemAt: string;
  placedAt: string;
}
