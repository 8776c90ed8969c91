import type { Type } from '@nestjs/common';
import { KafkaHeaders, type MessageHandler } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
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
    async consume(messages: Messages): Promise<void> {
      const handler = (registered ??= handlers.handler(info.pattern, owner));
      if (batch) {
        await runEvent(handler, messages.payloads, this.context(messages, messages.first!));
        return;
      }
      for (const message of messages) {
        const context = this.context(messages, message);
        if (info.kind === 'event') {
          await runEvent(handler, message.payload, context);
          continue;
        }
        const headers = message.headers;
        const correlationId = headers[KafkaHeaders.CORRELATION_ID];
        const replyTopic = headers[KafkaHeaders.REPLY_TOPIC];
        // As Nest's ServerKafka: without a correlation id and reply topic a request is an event.
        if (!correlationId || !replyTopic) {
          await runEvent(handler, message.payload, context);
        } else {
          await replyToRequest(handler, message.payload, context, {
            correlationId,
            replyTopic: topicMapper.incoming(replyTopic),
            replyPartition: headers[KafkaHeaders.REPLY_PARTITION],
            producer: this.producer,
          });
        }
      }
    }

    private context(messages: Messages, message: Message): KarafkaKafkaContext {
      const runtime = this[CONSUMER_RUNTIME]!;
      return new KarafkaKafkaContext(
        nestMessage(message),
        message.partition,
        message.topic,
        handlers.kafkaConsumer(runtime.groupId),
        () => runtime.heartbeat(),
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
async function runEvent(handler: MessageHandler, data: unknown, context: KarafkaKafkaContext) {
  const result: unknown = await handler(data, context);
  // A failing handler (Nest's RPC exception filters turn throws into an erroring stream) rejects
  // here: the executor retries the message with backoff, or sends it to the dead letter topic.
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
}

/** The message as Nest's KafkaParser gives it to `KafkaContext.getMessage()`: decoded. */
function nestMessage(message: Message): KafkaMessage {
  return {
    key: message.key,
    value: message.payload,
    headers: { ...message.headers },
    offset: message.offset,
    timestamp: String(message.timestamp.getTime()),
    topic: message.topic,
    partition: message.partition,
    attributes: 0,
    size: 0,
  } as unknown as KafkaMessage;
}
