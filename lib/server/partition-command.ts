/**
 * What `KarafkaServer.command()` applies to one assigned partition of this process, as the
 * consumer's own `pause()`, `resume()` and `seek()` would (the web UI's commands).
 */
export interface PartitionCommand {
  /** Kafka consumer group id. */
  readonly group: string;
  /** Route topic. */
  readonly topic: string;
  readonly partition: number;
  readonly action: 'pause' | 'resume' | 'seek';
  /** Where `seek` moves the fetch position. */
  readonly offset?: string;
}
