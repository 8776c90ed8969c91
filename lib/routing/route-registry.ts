import { Injectable } from '@nestjs/common';
import { KarafkaError } from '../errors/karafka.error.js';
import type { RouteTable } from './route-table.js';

/** Holds the RouteTable once the explorer built it (at module init). Inject it to read routes. */
@Injectable()
export class RouteRegistry {
  private current?: RouteTable;

  get table(): RouteTable {
    if (!this.current) {
      throw new KarafkaError(
        'Routes are not built yet: they are available after app.init() (module init).',
      );
    }
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }

  /** Stores the route table built at bootstrap. */
  set(table: RouteTable): void {
    this.current = table;
  }

  private stopper?: () => Promise<unknown>;

  /** KarafkaServer registers its graceful stop here (the consumers' onModuleDestroy calls it). */
  onStopConsuming(stop: () => Promise<unknown>): void {
    this.stopper = stop;
  }

  /** Stops consuming gracefully through the registered stop (a no-op before the server started). */
  stopConsuming(): Promise<unknown> {
    return this.stopper?.() ?? Promise.resolve();
  }
}
