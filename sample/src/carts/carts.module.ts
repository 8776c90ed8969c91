import { Module } from '@nestjs/common';
import { CartsConsumer } from './carts.consumer.js';
import { CartsController } from './carts.controller.js';
import { CartsStore } from './carts.store.js';

@Module({
  controllers: [CartsController],
  providers: [CartsStore, CartsConsumer],
  exports: [CartsStore],
})
export class CartsModule {}
