import { Module } from '@nestjs/common';
import { CheckoutConsumer } from './checkout.consumer.js';
import { OrdersConsumer } from './orders.consumer.js';
import { OrdersController } from './orders.controller.js';
import { OrdersStore } from './orders.store.js';

@Module({
  controllers: [OrdersController],
  providers: [OrdersStore, CheckoutConsumer, OrdersConsumer],
  exports: [OrdersStore],
})
export class OrdersModule {}
