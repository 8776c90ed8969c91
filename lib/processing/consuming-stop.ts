import { Injectable } from '@nestjs/common';

/**
 * Who stops consuming when a module with consumer providers is destroyed: KarafkaServer
 * registers its graceful stop here; the consumer providers' onModuleDestroy (wired by the
 * routes explorer, see BaseConsumer.onModuleDestroy) call it. Its own owner, so the route
 * registry only looks routes up.
 */
@Injectable()
export class ConsumingStop {
  private stopper?: () => Promise<unknown>;

  register(stop: () => Promise<unknown>): void {
    this.stopper = stop;
  }

  stop(): Promise<unknown> {
    return this.stopper?.() ?? Promise.resolve();
  }
}
