import type { Message } from '../messages/message.js';
import type { Messages } from '../messages/messages.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import type { ConsumeCallScope } from '../processing/call-chain.js';
import type { Producer } from '../producer/producer.js';
import type { Route } from '../routing/route.js';

/**
 * The RPC context of a `consume` call, for guards, interceptors, pipes, filters and `@Ctx()`:
 * `context.switchToRpc().getContext<KarafkaContext>()`. `switchToRpc().getData()` is the
 * `Messages`. Made only for routes that have enhancers.
 * @typeParam T - the payload type of the consumer
 */
export class KarafkaContext<T = unknown> {
  constructor(
    /** The messages given to `consume`. */
    readonly messages: Messages<T>,
    /** The consumer instance of this topic-partition. */
    readonly consumer: BaseConsumer<T>,
    private readonly scope: ConsumeCallScope,
  ) {}

  /** Route topic (after the topic mapper's `incoming`). */
  get topic(): string {
    return this.scope.route.topic;
  }

  get partition(): number {
    return this.scope.partition;
  }

  /**
   * With `virtualPartitions`: the virtual partition (0 .. max-1) this call runs in; undefined
   * without them, and on a collapsed retry (in offset order, after a failure).
   */
  get virtualPartition(): number | undefined {
    return this.consumer.virtualPartition;
  }

  /** Kafka consumer group id. */
  get groupId(): string {
    return this.scope.route.groupId;
  }

  /** The resolved route (options, responders, Kafka topic). */
  get route(): Route {
    return this.scope.route;
  }

  /** Keeps the group membership alive during long work in an enhancer. */
  heartbeat(): Promise<void> {
    return this.scope.heartbeat();
  }

  /** Route topic, as `KafkaContext.getTopic()` of Nest's Kafka transport. */
  getTopic(): string {
    return this.topic;
  }

  /** Partition, as `KafkaContext.getPartition()` of Nest's Kafka transport. */
  getPartition(): number {
    return this.partition;
  }

  /** The first message of the call (the only one with `batch: false`). */
  getMessage(): Message<T> {
    return this.messages.first!;
  }

  /** The consumer instance of this topic-partition. */
  getConsumer(): BaseConsumer<T> {
    return this.consumer;
  }

  /**
   * The application's Producer; on an `exactlyOnce` route the call's transactional producer, so
   * what an enhancer sends through it commits (or aborts) with the call.
   */
  getProducer(): Producer {
    return this.scope.producer;
  }
}
