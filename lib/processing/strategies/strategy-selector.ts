import type { Route } from '../../routing/route.js';
import { DeadLetterStrategy } from './dead-letter.strategy.js';
import { DefaultStrategy } from './default.strategy.js';
import { ExactlyOnceStrategy } from './exactly-once.strategy.js';
import { ManualOffsetsStrategy } from './manual-offsets.strategy.js';
import type { ProcessingStrategy } from './processing-strategy.js';

/**
 * The after-consume policy of a route, picked once at bootstrap from its options. New
 * behaviour (virtual partitions, ...) is a new strategy here, not a flag in the executor.
 */
export function selectStrategy(
  route: Pick<Route, 'manualOffsets' | 'deadLetter' | 'exactlyOnce'>,
): ProcessingStrategy {
  const offsets = route.exactlyOnce
    ? new ExactlyOnceStrategy()
    : route.manualOffsets
      ? new ManualOffsetsStrategy()
      : new DefaultStrategy();
  return route.deadLetter ? new DeadLetterStrategy(offsets, route.deadLetter) : offsets;
}
