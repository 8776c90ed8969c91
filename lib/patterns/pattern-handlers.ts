import { Injectable } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import type { Consumer as KafkaConsumer } from 'kafkajs';
import { KarafkaError } from '../errors/karafka.error.js';

/** What KarafkaServer lends the pattern routes: Nest's registered handlers and its clients. */
export interface PatternHandlerSource {
  /** The handler Nest registered for a pattern (with its guards, interceptors, pipes, filters). */
  handlerFor(pattern: string): MessageHandler | undefined;
  /** The kafkajs consumer of a consumer group (what `KafkaContext.getConsumer()` returns). */
  kafkaConsumer(groupId: string): KafkaConsumer | undefined;
}

/**
 * The link between the routes explorer, which routes `@EventPattern` / `@MessagePattern`
 * handlers at module init, and KarafkaServer, to which Nest hands the enhanced handlers when
 * the microservice is connected. Kept apart so neither depends on the other.
 */
@Injectable()
export class PatternHandlers {
  private source?: PatternHandlerSource;

  /** Called once by KarafkaServer. */
  attach(source: PatternHandlerSource): void {
    this.source = source;
  }

  /** The handler of `pattern`; a clear error when Nest did not register it with KarafkaServer. */
  handler(pattern: string, owner: string): MessageHandler {
    const handler = this.source?.handlerFor(pattern);
    if (!handler) {
      throw new KarafkaError(
        `${owner} (pattern "${pattern}") is not registered with KarafkaServer: Nest registers ` +
          `@EventPattern/@MessagePattern handlers only with the transport strategy of a ` +
          `microservice. Start consuming with app.connectMicroservice({ strategy: ` +
          `app.get(KarafkaServer) }) and app.startAllMicroservices(), or with \`karafka server\` ` +
          `(which connects it), not with KarafkaServer.start() on an application context.`,
      );
    }
    return handler;
  }

  /** Whether Nest registered a handler for `pattern` with KarafkaServer. */
  has(pattern: string): boolean {
    return !!this.source?.handlerFor(pattern);
  }

  kafkaConsumer(groupId: string): KafkaConsumer | undefined {
    return this.source?.kafkaConsumer(groupId);
  }
}
