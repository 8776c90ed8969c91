import { Controller, Get, Param } from '@nestjs/common';
import { CartParams } from '../carts/cart.dto.js';
import type { Order } from './order.js';
import { OrdersStore } from './orders.store.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersStore) {}

  /** Every order read from `orders_placed`. */
  @Get()
  all(): Order[] {
    return this.orders.all();
  }

  /** The orders of one cart (an empty list until its checkout went through). */
  @Get(':cartId')
  byCart(@Param() { cartId }: CartParams): Order[] {
    return this.orders.byCart(cartId);
  }
}
