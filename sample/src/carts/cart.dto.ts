import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

const ID = /^[A-Za-z0-9_-]+$/;
const ID_MESSAGE = '$property may only hold letters, digits, "_" and "-"';

/** `:cartId` of every cart route. */
export class CartParams {
  @IsString()
  @MaxLength(64)
  @Matches(ID, { message: ID_MESSAGE })
  cartId!: string;
}

/** `:cartId/items/:item` */
export class CartItemParams extends CartParams {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  item!: string;
}

/** Body of `POST /carts/:cartId/items`. */
export class AddItemDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  item!: string;
}
