import { DefaultStrategy } from './default.strategy.js';

/**
 * `manualOffsets: true`: only the consumer marks (`markAsConsumed`). Failures back off like the
 * default; a message moved to the dead letter topic is not marked either, so a restart before
 * the consumer marks something later brings it back (at-least-once).
 */
export class ManualOffsetsStrategy extends DefaultStrategy {
  override markProcessed(): void {}

  override markSkipped(): void {}
}
