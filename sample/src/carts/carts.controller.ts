import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { Producer, type DeliveryReport } from 'nestjs-karafka';
import type { CartEvent } from '../shared/cart-event.js';
import { TOPICS } from '../topics.js';
import type { Cart } from './cart.js';
import { AddItemDto, CartItemParams, CartParams } from './cart.dto.js';
import { CartsStore } from './carts.store.js';

/** What a command endpoint answers: the event, and where Kafka stored it. */
export interface Accepted {
  event: CartEvent;
  delivery: Pick<DeliveryReport, 'topic' | 'partition' | 'offset'>;
}

/**
 * Commands become events: nothing is changed here, the controller only records what happened
 * (`produceSync`: answered once Kafka has it). The consumers build everything else from them.
 * Keyed by cart id, so one cart's events stay in order in one partition.
 */
@Controller('carts')
export class CartsController {
  constructor(
    private readonly producer: Producer,
    private readonly carts: CartsStore,
  ) {}

  @Post(':cartId/items')
  @HttpCode(HttpStatus.ACCEPTED)
  addItem(@Param() { cartId }: CartParams, @Body() { item }: AddItemDto): Promise<Accepted> {
    return this.record({ type: 'item_added', cartId, item, at: now() });
  }

  @Delete(':cartId/items/:item')
  @HttpCode(HttpStatus.ACCEPTED)
  removeItem(@Param() { cartId, item }: CartItemParams): Promise<Accepted> {
    return this.record({ type: 'item_removed', cartId, item, at: now() });
  }

  @Post(':cartId/checkout')
  @HttpCode(HttpStatus.ACCEPTED)
  checkout(@Param() { cartId }: CartParams): Promise<Accepted> {
    return this.record({ type: 'purchase_completed', cartId, at: now() });
  }

  /** The materialized cart. Eventually consistent: it shows the events consumed so far. */
  @Get(':cartId')
  get(@Param() { cartId }: CartParams): Cart {
    const cart = this.carts.get(cartId);
    if (!cart) throw new NotFoundException(`No cart ${cartId} (yet: events arrive in a moment)`);
    return cart;
  }

  private async record(event: CartEvent): Promise<Accepted> {
    const { topic, partition, offset } = await this.producer.produceSync({
      topic: TOPICS.cartEvents,
      key: event.cartId,
      payload: event,
    });
    return { event, delivery: { topic, partition, offset } };
  }
}

function now(): string {
  return new Date().toISOString();
}
