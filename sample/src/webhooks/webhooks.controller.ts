import { Controller, Get } from '@nestjs/common';
import { WebhookOutbox } from './outbox.js';

@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly outbox: WebhookOutbox) {}

  /** The requests the shop would have sent, and events vs requests so far. */
  @Get('outbox')
  outboxContents(): ReturnType<WebhookOutbox['snapshot']> {
    return this.outbox.snapshot();
  }
}
