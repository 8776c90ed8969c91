import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { Producer } from 'nestjs-karafka';
import { TOPICS } from '../topics.js';
import { InventoryCsvError, parseInventoryCsv } from './inventory-csv.js';
import { InventoryStore, type InventorySnapshot } from './inventory.store.js';

@Controller('inventory')
export class InventoryController {
  constructor(
    private readonly producer: Producer,
    private readonly inventory: InventoryStore,
  ) {}

  @Get()
  get(): InventorySnapshot {
    return this.inventory.snapshot();
  }

  /**
   * Publishes a CSV (`Content-Type: text/csv`, `sku,quantity` lines) to `inventory_csv` as it
   * came, for the inventory consumer to parse. Checked first: a bad CSV is a 400, never a
   * message that its consumer could not read.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  async import(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ): Promise<{ lines: number; partition: number; offset: string }> {
    if (!contentType?.startsWith('text/csv') || typeof body !== 'string') {
      throw new UnsupportedMediaTypeException('Send the inventory as text/csv: sku,quantity lines');
    }
    let lines: number;
    try {
      lines = parseInventoryCsv(body).length;
    } catch (error) {
      if (error instanceof InventoryCsvError) throw new BadRequestException(error.message);
      throw error;
    }
    if (lines === 0) throw new BadRequestException('The CSV has no sku,quantity lines');
    const { partition, offset } = await this.producer.produceSync({
      topic: TOPICS.inventoryCsv,
      payload: body,
    });
    return { lines, partition, offset };
  }
}
