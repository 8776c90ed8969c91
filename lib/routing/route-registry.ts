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

  /** Replaces the table (done once by the routes explorer at bootstrap). */
  set(table: RouteTable): void {
    this.current = table;
  }
}
