import type { ProducerMessage, ProducerMiddleware } from './producer-message.js';
import { KarafkaProducerError } from './producer.error.js';

/**
 * Transformations applied to every message, in order, before it is validated (WaterDrop's
 * middleware): add headers, stamp a trace id, rename topics... Shared by a producer and its
 * variants.
 */
export class ProducerMiddlewareChain {
  private steps: readonly ProducerMiddleware[] = [];

  /** Runs `fn` after the steps already added. */
  append(fn: ProducerMiddleware): this {
    this.steps = [...this.steps, checked(fn)];
    return this;
  }

  /** Runs `fn` before the steps already added. */
  prepend(fn: ProducerMiddleware): this {
    this.steps = [checked(fn), ...this.steps];
    return this;
  }

  /** Removes `fn`; returns whether it was there. */
  remove(fn: ProducerMiddleware): boolean {
    const before = this.steps.length;
    this.steps = this.steps.filter((step) => step !== fn);
    return this.steps.length !== before;
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs every step on the message, in order. */
  run(message: ProducerMessage): ProducerMessage {
    let current = message;
    for (const step of this.steps) current = step(current);
    return current;
  }
}

function checked(fn: ProducerMiddleware): ProducerMiddleware {
  if (typeof fn !== 'function') {
    throw new KarafkaProducerError(
      'producer.middleware needs a function (message) => message, got ' + typeof fn,
    );
  }
  return fn;
}
