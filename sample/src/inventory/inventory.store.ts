import { Injectable } from '@nestjs/common';
import type { StockLine } from './inventory-csv.js';

/** The warehouse holds at most this many of one SKU. */
export const STOCK_LIMIT = 100_000;

/** A known business error: an import over the warehouse's capacity is refused as a whole. */
export class StockLimitError extends Error {}

export interface InventorySnapshot {
  /** sku -> quantity in stock */
  stock: Record<string, number>;
  imports: number;
  updatedAt: string | null;
}

/** Stock per SKU, as the last imported CSV line of each SKU says. */
@Injectable()
export class InventoryStore {
  private readonly stock = new Map<string, number>();
  private imports = 0;
  private updatedAt: string | null = null;

  apply(lines: readonly StockLine[]): void {
    const over = lines.find((line) => line.quantity > STOCK_LIMIT);
    if (over) {
      throw new StockLimitError(
        `${over.sku}: ${over.quantity} is over the limit of ${STOCK_LIMIT}`,
      );
    }
    for (const { sku, quantity } of lines) this.stock.set(sku, quantity);
    this.imports += 1;
    this.updatedAt = new Date().toISOString();
  }

  snapshot(): InventorySnapshot {
    return {
      stock: Object.fromEntries([...this.stock].sort(([a], [b]) => a.localeCompare(b))),
      imports: this.imports,
      updatedAt: this.updatedAt,
    };
  }
}
