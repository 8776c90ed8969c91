import { IsIn, IsISO8601, IsNotEmpty, IsString, ValidateIf } from 'class-validator';
import { CART_EVENT_TYPES, type CartEventType } from '../shared/cart-event.js';

/**
 * A `cart_events` message as the webhooks consumer accepts it (`@Consumer(..., { payload })`):
 * the framework turns the JSON into this class and validates it; a message that does not fit
 * is a deserialization error (reported, and the partition retries with backoff).
 */
export class CartEventDto {
  @IsIn(CART_EVENT_TYPES)
  type!: CartEventType;

  @IsString()
  @IsNotEmpty()
  cartId!: string;

  @ValidateIf((event: CartEventDto) => event.type !== 'purchase_completed')
  @IsString()
  @IsNotEmpty()
  item?: string;

  @IsISO8601()
  at!: string;
}
