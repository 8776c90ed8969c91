import { Module } from '@nestjs/common';
import { InventoryCsvDeserializer } from './inventory-csv.deserializer.js';
import { InventoryConsumer } from './inventory.consumer.js';
import { InventoryController } from './inventory.controller.js';
import { InventoryStore } from './inventory.store.js';

@Module({
  controllers: [InventoryController],
  providers: [InventoryStore, InventoryCsvDeserializer, InventoryConsumer],
})
export class InventoryModule {}
