/** Per-response options of `this.respondTo(topic, payload, options)`. */
export interface RespondToOptions {
  key?: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
  /** Picks the partition as the Java client's murmur2 partitioner would for this key. */
  partitionKey?: string;
}
