import { Logger } from '@nestjs/common';
import {
  BaseConsumer,
  Consumer,
  Responds,
  type Messages,
  type OnRevoked,
  type OnShutdown,
} from 'nestjs-karafka';
import type { CartEvent } from '../shared/cart-event.js';
import { PARTITIONS, TOPICS } from '../topics.js';
import { emptyBasket, foldBasket, type Basket } from './basket.js';

/**
 * The checkout saga: follows every basket of its partition across batches (a persistent
 * consumer keeps its state between consume calls) and emits the order at checkout.
 *
 * Single-message mode (`batch: false`): one consume call is one event, so "exactly once per
 * checkout" is what `multiple: false` checks. `required: false` because most events are not
 * checkouts (items added or removed): for them there is nothing to respond, and declaring the
 * topic "always" would make every such call a ResponderUsageError. `karafka flow` shows it as
 * "conditionally, exactly once", which is what happens.
 */
@Consumer(TOPICS.cartEvents, {
  group: 'orders',
  batch: false,
  persistent: true,
  config: { partitions: PARTITIONS },
})
@Responds(TOPICS.ordersPlaced, { required: false })
export class CheckoutConsumer extends BaseConsumer<CartEvent> implements OnRevoked, OnShutdown {
  private readonly logger = new Logger(CheckoutConsumer.name);
  /** Open baskets of this partition's carts, by cart id. */
  private readonly baskets = new Map<string, Basket>();

  consume(messages: Messages<CartEvent>): void {
    const message = messages.first!;
    const event = message.payload;
    const { basket, order } = foldBasket(
      this.baskets.get(event.cartId) ?? emptyBasket(),
      event,
      message.offset,
    );
    if (basket.firstItemAt) this.baskets.set(event.cartId, basket);
    else this.baskets.delete(event.cartId); // checked out, or never had an item
    if (order) {
      this.respondTo(TOPICS.ordersPlaced, order, { key: order.cartId });
      this.logger.log(`order ${order.orderId}: ${JSON.stringify(order.items)}`);
    }
  }

  onRevoked(): void {
    this.logger.log(
      `partition ${this.partition} revoked: dropping ${this.baskets.size} open baskets (memory only)`,
    );
  }

  onShutdown(): void {
    this.logger.log(`partition ${this.partition}: stopping, open baskets: ${this.baskets.size}`);
  }
}
