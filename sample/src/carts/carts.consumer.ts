import { Logger } from '@nestjs/common';
import { BaseConsumer, Consumer, Responds, type Messages } from 'nestjs-karafka';
import type { CartEvent } from '../shared/cart-event.js';
import { PARTITIONS, TOPICS } from '../topics.js';
import type { Cart } from './cart.js';
import { CartsStore } from './carts.store.js';

/** One `cart_audit` record: what a batch did to one cart. */
export interface CartAuditRecord {
  cartId: string;
  /** Event types applied, in order. */
  events: string[];
  /** The cart afterwards (null: events for a cart that never had an item). */
  cart: Cart | null;
  partition: number;
  offsets: { first: string; last: string };
}

/**
 * Materializes the carts: each fetched batch of a partition is folded into the CartsStore.
 * Persistent (the default): one instance per partition, kept across batches.
 *
 * Responds to `cart_audit` with one record per cart the batch touched. Every message of
 * `cart_events` belongs to a cart, so every batch touches at least one: "always, one or more"
 * is the honest declaration, and the framework checks it on each consume call.
 */
@Consumer(TOPICS.cartEvents, {
  batch: true,
  group: 'carts',
  persistent: true,
  config: { partitions: PARTITIONS },
})
@Responds(TOPICS.cartAudit, { multiple: true })
export class CartsConsumer extends BaseConsumer<CartEvent> {
  private readonly logger = new Logger(CartsConsumer.name);

  constructor(private readonly carts: CartsStore) {
    super();
  }

  consume(messages: Messages<CartEvent>): void {
    const touched = new Map<string, CartAuditRecord>();
    for (const message of messages) {
      const event = message.payload;
      const cart = this.carts.apply(event);
      const record = touched.get(event.cartId) ?? {
        cartId: event.cartId,
        events: [],
        cart: null,
        partition: message.partition,
        offsets: { first: message.offset, last: message.offset },
      };
      record.events.push(event.type);
      record.cart = cart ?? null;
      record.offsets.last = message.offset;
      touched.set(event.cartId, record);
    }
    for (const record of touched.values()) {
      this.respondTo(TOPICS.cartAudit, record, { key: record.cartId });
    }
    this.logger.debug(
      `partition ${this.partition}: ${messages.size} events folded into ${touched.size} carts`,
    );
  }
}
