// The glue README's TypeScript examples need but do not show: the app's own types and services.
// A block gets names from here through a `<!-- glue: A, B -->` comment before it, or through a
// relative import (`./carts.service.js`) that no other README block provides (see readme-blocks.ts).
import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';

export interface CartEvent {
  type: 'item_added' | 'item_removed' | 'checkout';
  cartId: string;
  item?: string;
}

export interface Cart {
  id: string;
  items: Record<string, number>;
}

/** Folds cart events into carts. */
@Injectable()
export class CartsService {
  private readonly carts = new Map<string, Cart>();

  /** Applies one event; returns its cart. */
  apply(event: CartEvent): Cart {
    const cart = this.carts.get(event.cartId) ?? { id: event.cartId, items: {} };
    if (event.item && event.type !== 'checkout') {
      cart.items[event.item] =
        (cart.items[event.item] ?? 0) + (event.type === 'item_added' ? 1 : -1);
    }
    this.carts.set(cart.id, cart);
    return cart;
  }

  /** Applies a batch of events; returns each cart they touched, once. */
  applyAll(events: readonly CartEvent[]): Cart[] {
    return [...new Set(events.map((event) => this.apply(event)))];
  }

  get count(): number {
    return this.carts.size;
  }

  get overLimit(): boolean {
    return this.carts.size > 10_000;
  }
}

@Controller()
export class AppController {
  @Get()
  hello(): string {
    return 'hello';
  }
}

/** Stands in for the consumer `karafka install` writes (its own test compiles the real one). */
@Injectable()
export class ExampleConsumer {}

@Injectable()
export class AppService {}

@Module({ controllers: [AppController], providers: [AppService, CartsService, ExampleConsumer] })
export class AppModule {}

/** The application of `main.ts`, for snippets that add lines to it. */
export declare const app: INestApplication;
