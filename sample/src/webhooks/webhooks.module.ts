import { Module } from '@nestjs/common';
import { WebhookOutbox } from './outbox.js';
import { WebhooksConsumer } from './webhooks.consumer.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  controllers: [WebhooksController],
  providers: [WebhookOutbox, WebhooksConsumer],
})
export class WebhooksModule {}
