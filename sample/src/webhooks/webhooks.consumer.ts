import { BaseConsumer, Consumer, type Messages } from 'nestjs-karafka';
import { PARTITIONS, TOPICS } from '../topics.js';
import { CartEventDto } from './cart-event.dto.js';
import { WebhookOutbox, type WebhookNotification } from './outbox.js';

/**
 * "More events, fewer requests": a customer with ten events in a batch gets one request with
 * ten events, not ten requests. The batch is the unit of work, not the message. (In this
 * sample the customer is the cart's owner, so the cart id names it.)
 */
@Consumer(TOPICS.cartEvents, {
  batch: true,
  group: 'webhooks',
  payload: CartEventDto,
  config: { partitions: PARTITIONS },
})
export class WebhooksConsumer extends BaseConsumer<CartEventDto> {
  constructor(private readonly outbox: WebhookOutbox) {
    super();
  }

  consume(messages: Messages<CartEventDto>): void {
    const byCustomer = new Map<string, WebhookNotification>();
    for (const message of messages) {
      const { type, cartId, item, at } = message.payload;
      let notification = byCustomer.get(cartId);
      if (!notification) {
        notification = {
          customer: cartId,
          url: `https://hooks.example.com/customers/${encodeURIComponent(cartId)}`,
          events: [],
          partition: message.partition,
          offsets: { first: message.offset, last: message.offset },
          preparedAt: '',
        };
        byCustomer.set(cartId, notification);
      }
      notification.events.push(item === undefined ? { type, at } : { type, item, at });
      notification.offsets.last = message.offset;
    }
    const preparedAt = new Date().toISOString();
    for (const notification of byCustomer.values()) {
      this.outbox.record({ ...notification, preparedAt });
    }
  }
}
