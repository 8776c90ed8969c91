import { KafkaContext } from '@nestjs/microservices';
import type { Consumer as KafkaConsumer, KafkaMessage } from 'kafkajs';
import type { Message } from '../messages/message.js';
import type { Messages } from '../messages/messages.js';
import type { Producer } from '../producer/producer.js';

type KafkaContextArgs = ConstructorParameters<typeof KafkaContext>[0];

/**
 * `@Ctx()` of a pattern handler on KarafkaServer: Nest's own `KafkaContext` (so
 * `instanceof KafkaContext` and its getters work unchanged) plus the `Messages` of the call.
 * `getMessage()` is the message as Nest's transport gives it (value, key and headers decoded;
 * the first of the batch with `batch: true`), `getConsumer()` the group's kafkajs consumer,
 * `getHeartbeat()` keeps the membership alive. `getProducer()` is nestjs-karafka's `Producer`
 * (Nest's gives its kafkajs producer): on an `exactlyOnce` route the call's transactional one.
 */
export class KarafkaKafkaContext extends KafkaContext {
  /** Made by the pattern route for each call; not meant to be constructed by apps. */
  constructor(
    private readonly source: Message,
    consumer: KafkaConsumer | undefined,
    heartbeat: () => Promise<void>,
    producer: Producer,
    /** The messages of this call: one, or the fetched batch with `batch: true`. */
    readonly messages: Messages,
  ) {
    // The message Nest's way (args[0]) is built on first read: most handlers take only
    // `@Payload()`, and decoding key, headers and timestamp for every call cost more than a
    // tenth of the whole one-message call.
    super([
      undefined,
      source.partition,
      source.topic,
      consumer,
      heartbeat,
      producer,
    ] as unknown as KafkaContextArgs);
  }

  override getMessage(): KafkaMessage {
    return this.materialized()[0];
  }

  override getArgs(): KafkaContextArgs {
    return this.materialized();
  }

  override getArgByIndex<T = unknown>(index: number): T {
    return this.materialized()[index] as T;
  }

  private materialized(): KafkaContextArgs {
    const args = this.args;
    if (args[0] === undefined) args[0] = nestMessage(this.source);
    return args;
  }
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
