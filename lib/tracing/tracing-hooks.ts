import type { Messages } from '../messages/messages.js';
import type { OutgoingMessage } from '../producer/outgoing-message.js';

/** Ends a message's publish span once its delivery settled (`error` when it failed). */
export type PublishSpanEnd = (error?: unknown) => void;

/**
 * The two seams through which tracing reaches the core. The core never imports a tracing
 * library: `KarafkaTracingModule` (nestjs-karafka/tracing) provides an implementation under
 * `KARAFKA_TRACING`; without it the producer and the executor call nothing.
 */
export interface TracingHooks {
  /**
   * A message is about to be queued or sent: start its publish span and put the span's context
   * into its headers (set `message.headers` to a new object; the user's one is not touched).
   */
  startPublish(message: OutgoingMessage): PublishSpanEnd | undefined;
  /**
   * Runs one `consume` call (and the delivery of its responses) inside its process span, with
   * that span's context active, so spans started by `consume` and by responders are its children.
   * Must call `call` exactly once and settle as it settles.
   */
  wrapConsume(messages: Messages, call: () => Promise<void>): Promise<void>;
}
