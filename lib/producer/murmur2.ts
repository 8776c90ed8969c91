/**
 * MurmurHash2 (32-bit, seed 0x9747b28c) exactly as the Java Kafka client computes it
 * (`Utils.murmur2`), so that keyed messages land on the partitions Java producers choose.
 * Arithmetic is done on signed 32-bit integers, like Java's `int`: `Math.imul` multiplies
 * with overflow, `| 0` keeps results in range.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2 hash, as the Java client's partitioner computes it. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >>> 2;

  for (let i = 0; i < blocks; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }

  // The last 1-3 bytes (Java does this with a falling-through switch).
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not `Math.abs`). */
export function toPositive(value: number): number {
  return value & 0x7fffffff;
}

/**
 * The partition the Java client's default partitioner picks for a key:
 * `toPositive(murmur2(bytes)) % numPartitions`, the key taken as UTF-8 when it is a string.
 */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return toPositive(murmur2(bytes)) % numPartitions;
}
