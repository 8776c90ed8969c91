import { CONSUMER_METADATA } from './constants.js';
import type { ConsumerOptions } from './consumer-options.js';

export interface ConsumerMetadata {
  topic: string;
  options: ConsumerOptions;
}

/**
 * Routes a topic to this provider class (which extends BaseConsumer). Stackable: one class may
 * consume several topics. Only stores metadata; the routes explorer reads it at bootstrap.
 */
export function Consumer(topic: string, options: ConsumerOptions = {}): ClassDecorator {
  return (target) => {
    const existing =
      (Reflect.getOwnMetadata(CONSUMER_METADATA, target) as ConsumerMetadata[] | undefined) ?? [];
    Reflect.defineMetadata(CONSUMER_METADATA, [...existing, { topic, options }], target);
  };
}
