import type { KarafkaEvent, KarafkaListener } from 'nestjs-karafka';

export interface KarafkaMetrics {
  since: string;
  /** event name -> how many times it was published */
  events: Record<string, number>;
  /** messages consumed (sum of `consumer.consumed` counts), per route topic */
  messagesConsumed: Record<string, number>;
  /** `error.occurred` by error type (`<type> (handled)` when an exception filter handled it) */
  errors: Record<string, number>;
  /** `consume` calls timed by ConsumeTimingInterceptor, per route topic */
  consumeTime: Record<string, { calls: number; totalMs: number; maxMs: number }>;
}

/**
 * A monitor listener: the monitor calls each `onEventName` method for its event
 * (`onConsumerConsumed` for `consumer.consumed`). It counts what the framework does.
 *
 * Methods named `on` + a capital letter must be events (the monitor rejects unknown ones);
 * Nest's lifecycle hooks (`onModuleInit`, ...) are the exception and would be ignored.
 */
export class KarafkaEventCounter implements KarafkaListener {
  private readonly since = new Date().toISOString();
  private readonly events = new Map<string, number>();
  private readonly consumed = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly consumeTime = new Map<
    string,
    { calls: number; totalMs: number; maxMs: number }
  >();

  onAppInitialized(event: KarafkaEvent<'app.initialized'>): void {
    this.count(event);
  }
  onAppRunning(event: KarafkaEvent<'app.running'>): void {
    this.count(event);
  }
  onAppStopping(event: KarafkaEvent<'app.stopping'>): void {
    this.count(event);
  }
  onAppStopped(event: KarafkaEvent<'app.stopped'>): void {
    this.count(event);
  }
  onConnectionClientConnected(event: KarafkaEvent<'connection.client.connected'>): void {
    this.count(event);
  }
  onConnectionClientCrashed(event: KarafkaEvent<'connection.client.crashed'>): void {
    this.count(event);
  }
  onConnectionListenerFetchLoopReceived(
    event: KarafkaEvent<'connection.listener.fetch_loop.received'>,
  ): void {
    this.count(event);
  }
  onConsumerConsumed(event: KarafkaEvent<'consumer.consumed'>): void {
    this.count(event);
    const { topic, count } = event.payload;
    this.consumed.set(topic, (this.consumed.get(topic) ?? 0) + count);
  }
  onConsumerConsumingPause(event: KarafkaEvent<'consumer.consuming.pause'>): void {
    this.count(event);
  }
  onConsumerConsumingRetry(event: KarafkaEvent<'consumer.consuming.retry'>): void {
    this.count(event);
  }
  onConsumerRevoked(event: KarafkaEvent<'consumer.revoked'>): void {
    this.count(event);
  }
  onConsumerOffsetsCommitted(event: KarafkaEvent<'consumer.offsets.committed'>): void {
    this.count(event);
  }
  onRebalancePartitionsAssigned(event: KarafkaEvent<'rebalance.partitions_assigned'>): void {
    this.count(event);
  }
  onRebalancePartitionsRevoked(event: KarafkaEvent<'rebalance.partitions_revoked'>): void {
    this.count(event);
  }
  onMessageDeserializeError(event: KarafkaEvent<'message.deserialize.error'>): void {
    this.count(event);
  }
  onMessageProducedSync(event: KarafkaEvent<'message.produced_sync'>): void {
    this.count(event);
  }
  onResponderResponded(event: KarafkaEvent<'responder.responded'>): void {
    this.count(event);
  }
  onErrorOccurred(event: KarafkaEvent<'error.occurred'>): void {
    this.count(event);
    const type = event.payload.handled ? `${event.payload.type} (handled)` : event.payload.type;
    this.errors.set(type, (this.errors.get(type) ?? 0) + 1);
  }

  /** One `consume` call of `topic` took `ms` (see ConsumeTimingInterceptor). */
  recordConsumeTime(topic: string, ms: number): void {
    const time = this.consumeTime.get(topic) ?? { calls: 0, totalMs: 0, maxMs: 0 };
    time.calls += 1;
    time.totalMs += ms;
    time.maxMs = Math.max(time.maxMs, ms);
    this.consumeTime.set(topic, time);
  }

  snapshot(): KarafkaMetrics {
    return {
      since: this.since,
      events: sorted(this.events),
      messagesConsumed: sorted(this.consumed),
      errors: sorted(this.errors),
      consumeTime: Object.fromEntries(
        [...this.consumeTime]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([topic, { calls, totalMs, maxMs }]) => [
            topic,
            { calls, totalMs: Math.round(totalMs * 10) / 10, maxMs: Math.round(maxMs * 10) / 10 },
          ]),
      ),
    };
  }

  private count(event: KarafkaEvent): void {
    this.events.set(event.id, (this.events.get(event.id) ?? 0) + 1);
  }
}

function sorted(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}
