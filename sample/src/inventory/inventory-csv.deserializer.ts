import { Injectable } from '@nestjs/common';
import type { DeserializationInput, Deserializer } from 'nestjs-karafka';
import { parseInventoryCsv, type StockLine } from './inventory-csv.js';

/**
 * `inventory_csv` carries CSV text, not JSON: this deserializer (given to the route with
 * `@Consumer(..., { deserializer })`) turns a message into its stock lines. It runs lazily, on
 * the first `message.payload`; a bad CSV becomes a deserialization error of that message.
 */
@Injectable()
export class InventoryCsvDeserializer implements Deserializer<StockLine[]> {
  deserialize({ raw }: DeserializationInput): StockLine[] {
    return raw === null ? [] : parseInventoryCsv(raw.toString('utf8'));
  }
}
