import { Injectable } from '@nestjs/common';
import type { StockLine } from './inventory-csv.js';

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
