import { KafkaContext } from '@nestjs/microservices';
import type { Consumer as KafkaConsumer, KafkaMessage } from 'kafkajs';
import type { Messages } from '../messages/messages.js';
import type { Producer } from '../producer/producer.js';

/**
 * `@Ctx()` of a pattern handler on KarafkaServer: Nest's own `KafkaContext` (so
 * `instanceof KafkaContext` and its getters work unchanged) plus the `Messages` of the call.
 * `getMessage()` is the message as Nest's transport gives it (value, key and headers decoded;
 * the first of the batch with `batch: true`), `getConsumer()` the group's kafkajs consumer,
 * `getHeartbeat()` keeps the membership alive. `getProducer()` is nestjs-karafka's `Producer`
 * (Nest's gives its kafkajs producer): on an `exactlyOnce` route the call's transactional one.
 */
export class KarafkaKafkaContext extends KafkaContext {
  constructor(
    message: KafkaMessage,
    partition: number,
    topic: string,
    consumer: KafkaConsumer | undefined,
    heartbeat: () => Promise<void>,
    producer: Producer,
    /** The messages of this call: one, or the fetched batch with `batch: true`. */
    readonly messages: Messages,
  ) {
    super([
      message,
      partition,
      topic,
      consumer,
      heartbeat,
      producer,
    ] as unknown as ConstructorParameters<typeof KafkaContext>[0]);
  }
}
