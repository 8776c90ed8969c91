import { BaseConsumer, Consumer, type Messages } from 'nestjs-karafka';
import { PARTITIONS, TOPICS } from '../topics.js';
import type { StockLine } from './inventory-csv.js';
import { InventoryCsvDeserializer } from './inventory-csv.deserializer.js';
import { InventoryStore } from './inventory.store.js';

/** Stock updates from a warehouse system that speaks CSV. */
@Consumer(TOPICS.inventoryCsv, {
  batch: true,
  group: 'inventory',
  deserializer: InventoryCsvDeserializer,
  config: { partitions: PARTITIONS },
})
export class InventoryConsumer extends BaseConsumer<StockLine[]> {
  constructor(private readonly inventory: InventoryStore) {
    super();
  }

  consume(messages: Messages<StockLine[]>): void {
    for (const lines of messages.payloads) this.inventory.apply(lines);
  }
}
