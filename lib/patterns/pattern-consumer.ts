import type { Type } from '@nestjs/common';
import { KafkaHeaders, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { TopicMapper } from '../mapping/topic-mapper.js';
import type { Message } from '../messages/message.js';
import type { Messages } from '../messages/messages.js';
import { BaseConsumer } from '../processing/base-consumer.js';
import { CONSUMER_RUNTIME } from '../processing/consumer-runtime.js';
import { KarafkaKafkaContext } from './karafka-kafka-context.js';
import type { PatternHandlers } from './pattern-handlers.js';
import { replyToRequest } from './reply.js';

/** A routed `@EventPattern` / `@MessagePattern` handler. */
export interface PatternHandlerInfo {
  /** `event` (`@EventPattern`) or `message` (`@MessagePattern`, request-reply). */
  readonly kind: 'event' | 'message';
  /** The pattern: the route topic. */
  readonly pattern: string;
  /** Controller class name. */
  readonly controller: string;
  /** Handler method name. */
  readonly method: string;
}

/**
 * The consumer class of a pattern route: each `consume` call hands the payload(s) and a
 * `KafkaContext` to the handler Nest registered with KarafkaServer (already wrapped in the
 * controller's guards, interceptors, pipes and filters by Nest), so the route gets the
 * executor's retries, dead letter, offsets and monitor like any `@Consumer`.
 */
export function patternConsumerClass(
  info: PatternHandlerInfo,
  batch: boolean,
  handlers: PatternHandlers,
  topicMapper: TopicMapper,
): Type<BaseConsumer> {
  const owner = `${info.controller}.${info.method}`;
  // Looked up once: Nest registers handlers before the server starts, and its lookup by
  // pattern (a JSON.parse that throws for a plain topic name) costs more than the whole call.
  let registered: MessageHandler | undefined;
  class PatternHandlerConsumer extends BaseConsumer {
    /** Made once per instance: every call's context shares it. */
    private heartbeat?: () => Promise<void>;

    // Not `async`: a one-message call hands back the handler's own promise chain, without
    // the two extra promises and microtask hops an async wrapper would add to every message.
    consume(messages: Messages): Promise<void> {
      try {
        const handler = (registered ??= handlers.handler(info.pattern, owner));
        if (batch) {
          return runEvent(handler, messages.payloads, this.context(messages, messages.first!));
        }
        // One message per call unless the executor runs a collapsed retry.
        if (messages.size === 1) return this.consumeOne(handler, messages, messages.first!);
        return this.consumeEach(handler, messages);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }

    private async consumeEach(handler: MessageHandler, messages: Messages): Promise<void> {
      for (const message of messages) await this.consumeOne(handler, messages, message);
    }

    private consumeOne(
      handler: MessageHandler,
      messages: Messages,
      message: Message,
    ): Promise<void> {
      const context = this.context(messages, message);
      if (info.kind === 'event') return runEvent(handler, message.payload, context);
      const headers = message.headers;
      const correlationId = headers[KafkaHeaders.CORRELATION_ID];
      const replyTopic = headers[KafkaHeaders.REPLY_TOPIC];
      // As Nest's ServerKafka: without a correlation id and reply topic a request is an event.
      if (!correlationId || !replyTopic) return runEvent(handler, message.payload, context);
      return replyToRequest(handler, message.payload, context, {
        correlationId,
        replyTopic: topicMapper.incoming(replyTopic),
        replyPartition: headers[KafkaHeaders.REPLY_PARTITION],
        producer: this.producer,
      });
    }

    private context(messages: Messages, message: Message): KarafkaKafkaContext {
      const runtime = this[CONSUMER_RUNTIME]!;
      return new KarafkaKafkaContext(
        message,
        handlers.kafkaConsumer(runtime.groupId),
        (this.heartbeat ??= () => runtime.heartbeat()),
        runtime.producer,
        messages,
      );
    }
  }
  // What logs, `karafka flow` and `karafka info` name.
  Object.defineProperty(PatternHandlerConsumer, 'name', { value: owner });
  return PatternHandlerConsumer;
}

/** An event: the handler's promise or stream settles before the message counts as done. */
function runEvent(
  handler: MessageHandler,
  data: unknown,
  context: KarafkaKafkaContext,
): Promise<void> {
  // Nest's handlers are async functions; a hand-registered one may answer with a plain value.
  return Promise.resolve(handler(data, context)).then(settleEvent);
}

/**
 * A failing handler (Nest's RPC exception filters turn throws into an erroring stream) rejects
 * here: the executor retries the message with backoff, or sends it to the dead letter topic.
 */
function settleEvent(result: unknown): Promise<void> | undefined {
  if (!isObservable(result)) return undefined;
  return lastValueFrom(result, { defaultValue: undefined }).then(() => undefined);
}
