import type { Messages } from '../messages/messages.js';
import type { Producer } from '../producer/producer.js';
import type { Route } from '../routing/route.js';
import type { BaseConsumer } from './base-consumer.js';

/**
 * What a link of the call chain knows about the partition it runs on. One object per
 * partition executor, reused for every call (nothing is allocated per call on the plain path).
 */
export interface ConsumeCallScope {
  readonly route: Route;
  readonly partition: number;
  readonly producer: Producer;
  /** Tells the group coordinator this member is alive (kafkajs has no background heartbeat). */
  heartbeat(): Promise<void>;
}

/**
 * A link resolves with this when it handled a failure of `consume` itself (an exception filter
 * returned without rethrowing): the call counts as done, its messages are marked, and the
 * responses it buffered before failing are dropped.
 */
export const FAILURE_HANDLED = Symbol('karafka.failureHandled');

/** What one `consume` call resolves with. */
export type ConsumeOutcome = void | typeof FAILURE_HANDLED;

/** Runs one `consume` call of `consumer` with `messages`; rejects when the call failed. */
export type ConsumeCall = (
  consumer: BaseConsumer,
  messages: Messages,
  scope: ConsumeCallScope,
) => Promise<ConsumeOutcome> | ConsumeOutcome;

/**
 * One concern around `consume` (Nest enhancers, tracing, metrics timing), asked once per route
 * at bootstrap. A link the route does not need returns `next` itself, so a route that uses
 * none of them keeps the direct call.
 */
export interface CallChainLink {
  wrap(route: Route, next: ConsumeCall): ConsumeCall;
}

/** The plain call: what a route without enhancers, tracing or timing runs. */
export const directConsume: ConsumeCall = (consumer, messages) => consumer.consume(messages);

/**
 * The chain of a route, built once when its consumer group starts: `links[0]` is the outermost.
 * The Nest enhancers link calls `consume` itself (Nest's handler must be the consumer's own
 * method), so it comes last.
 */
export function buildCallChain(route: Route, links: readonly CallChainLink[]): ConsumeCall {
  let call = directConsume;
  for (let i = links.length - 1; i >= 0; i--) call = links[i]!.wrap(route, call);
  return call;
}
