/** One line of an inventory CSV: the stock of a SKU. */
export interface StockLine {
  sku: string;
  quantity: number;
}

/** A CSV that is not `sku,quantity` lines. */
export class InventoryCsvError extends Error {}

const SKU = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `sku,quantity` lines (an optional `sku,quantity` header, blank lines and spaces
 * around values are allowed). Throws InventoryCsvError naming the first bad line.
 */
export function parseInventoryCsv(text: string): StockLine[] {
  const lines: StockLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || (index === 0 && /^sku\s*,\s*quantity$/i.test(line))) return;
    const fields = line.split(',').map((field) => field.trim());
    const [sku, quantity] = fields;
    if (fields.length !== 2 || !sku || !SKU.test(sku) || !/^\d{1,9}$/.test(quantity ?? '')) {
      throw new InventoryCsvError(
        `line ${index + 1}: expected "sku,quantity" (a SKU of letters, digits, ".", "_", "-" and a whole number), got "${line}"`,
      );
    }
    lines.push({ sku, quantity: Number(quantity) });
  });
  return lines;
}
