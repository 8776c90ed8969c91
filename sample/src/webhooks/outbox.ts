import { Injectable } from '@nestjs/common';

/** One outgoing webhook request: every event of one customer in one batch. */
export interface WebhookNotification {
  customer: string;
  url: string;
  events: Array<{ type: string; item?: string; at: string }>;
  partition: number;
  offsets: { first: string; last: string };
  preparedAt: string;
}

/** How many notifications are kept for GET /webhooks/outbox. */
const KEEP = 1_000;

/**
 * Where the notifications would be sent from. The sample sends nothing over the network: it
 * records the requests it would make, and counts events against requests.
 */
@Injectable()
export class WebhookOutbox {
  private readonly notifications: WebhookNotification[] = [];
  private events = 0;
  private requests = 0;

  record(notification: WebhookNotification): void {
    this.notifications.push(notification);
    if (this.notifications.length > KEEP) this.notifications.shift();
    this.events += notification.events.length;
    this.requests += 1;
  }

  snapshot(): { events: number; requests: number; notifications: WebhookNotification[] } {
    return { events: this.events, requests: this.requests, notifications: [...this.notifications] };
  }
}
