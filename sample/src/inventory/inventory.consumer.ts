import { UseFilters } from '@nestjs/common';
import { BaseConsumer, Consumer, type Messages } from 'nestjs-karafka';
import { PARTITIONS, TOPICS } from '../topics.js';
import type { StockLine } from './inventory-csv.js';
import { InventoryCsvDeserializer } from './inventory-csv.deserializer.js';
import { InventoryStore } from './inventory.store.js';
import { SkipOverLimitFilter } from './skip-over-limit.filter.js';

/**
 * Stock updates from a warehouse system that speaks CSV, one import per message (a single
 * message per call, so an import over the stock limit is skipped alone by the filter).
 */
@Consumer(TOPICS.inventoryCsv, {
  group: 'inventory',
  deserializer: InventoryCsvDeserializer,
  config: { partitions: PARTITIONS },
})
@UseFilters(SkipOverLimitFilter)
export class InventoryConsumer extends BaseConsumer<StockLine[]> {
  constructor(private readonly inventory: InventoryStore) {
    super();
  }

  consume(messages: Messages<StockLine[]>): void {
    for (const lines of messages.payloads) this.inventory.apply(lines);
  }
}
