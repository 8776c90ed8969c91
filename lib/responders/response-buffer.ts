/**
 * The responses of one `consume` call, and what happens to them once it returns.
 *
 * Used by the executor, once per `consume` call:
 *
 *   const responses = new ResponseBuffer();               // `this.respondTo(...)` calls add()
 *   responses.add(topic, payload, options);
 *   // after `consume` returned:
 *   responses.validate(route);                            // throws ResponderUsageError
 *   await responses.deliver(producer, route, monitor, ref); // throws ResponderDeliveryError
 *   // ... only then mark the offsets.
 *
 * A throw from either is a failed `consume` (no mark, backoff, retry); nothing is sent when
 * the usage is invalid. Neither publishes `error.occurred` (the executor does, with type
 * `responder.usage.error` / `responder.delivery.error`). `deliver` sends every response in ONE
 * `produceManySync` (acknowledged before it resolves; the producer applies the topic mapper)
 * and then publishes `responder.responded`.
 */
import type { PartitionRef } from '../instrumentation/karafka-events.js';
import type { Monitor } from '../instrumentation/monitor.js';
import type { Producer } from '../producer/producer.js';
import type { ProducerMessage } from '../producer/producer-message.js';
import type { ResolvedResponder, Route } from '../routing/route.js';
import type { RespondToOptions } from './respond-to-options.js';
import { ResponderDeliveryError, ResponderUsageError } from './responder.error.js';

/** One `respondTo` call, held until `consume` returns. */
export interface BufferedResponse {
  readonly topic: string;
  readonly payload: unknown;
  readonly options?: RespondToOptions;
}

/** The responses of one `consume` call: validated against the route's declarations, then delivered in one request. */
export class ResponseBuffer {
  private readonly responses: BufferedResponse[] = [];

  /** Buffers one response (`this.respondTo(topic, payload, options)`). Nothing is checked yet. */
  add(topic: string, payload: unknown, options?: RespondToOptions): void {
    this.responses.push({ topic, payload, options });
  }

  get size(): number {
    return this.responses.length;
  }

  /** What was buffered, in order. */
  get all(): readonly BufferedResponse[] {
    return this.responses;
  }

  /** Responses per topic: `{ orders_placed: 2 }`. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { topic } of this.responses) counts[topic] = (counts[topic] ?? 0) + 1;
    return counts;
  }

  /** Checks this call's usage against the route's `@Responds`; every problem in one error. */
  validate(route: Route): void {
    const consumer = route.consumerClass.name;
    const counts = this.counts();
    const declared = new Map(route.responders.map((responder) => [responder.topic, responder]));
    const problems: string[] = [];
    for (const [topic, count] of Object.entries(counts)) {
      const responder = declared.get(topic);
      if (!responder) {
        problems.push(
          `${consumer} responded to "${topic}" which it does not declare with @Responds`,
        );
      } else if (!responder.multiple && count > 1) {
        problems.push(
          `${consumer} responded ${count} times to "${topic}", declared single (use { multiple: true })`,
        );
      }
    }
    for (const responder of route.responders) {
      if (responder.required && !counts[responder.topic]) {
        problems.push(`${consumer} did not respond to required topic "${responder.topic}"`);
      }
    }
    if (problems.length) throw new ResponderUsageError(consumer, problems);
  }

  /**
   * Validates, serializes each payload with its declaration's serializer and sends all
   * responses with one `produceManySync`. Resolves once Kafka acknowledged them.
   */
  async deliver(
    producer: Producer,
    route: Route,
    monitor: Monitor,
    ref: PartitionRef,
  ): Promise<void> {
    this.validate(route);
    await this.send(producer, route, monitor, ref);
  }

  /**
   * The responses of several `consume` calls, each validated already (virtual partitions:
   * every group's call is checked on its own, all are delivered together with `send`).
   */
  static concat(buffers: readonly ResponseBuffer[]): ResponseBuffer {
    const all = new ResponseBuffer();
    for (const buffer of buffers) all.responses.push(...buffer.responses);
    return all;
  }

  /** `deliver` without the usage check, for responses validated per call (see `concat`). */
  async send(producer: Producer, route: Route, monitor: Monitor, ref: PartitionRef): Promise<void> {
    if (this.responses.length === 0) return;
    const consumer = route.consumerClass.name;
    const declared = new Map(route.responders.map((responder) => [responder.topic, responder]));
    // Serializers may be async (a schema registry): all are awaited before anything is sent.
    const messages = await Promise.all(
      this.responses.map((response) =>
        toMessage(response, declared.get(response.topic)!, consumer),
      ),
    );
    try {
      await producer.produceManySync(messages);
    } catch (error) {
      throw new ResponderDeliveryError(
        consumer,
        `delivering ${messages.length} response(s) to ${[...new Set(this.responses.map((r) => `"${r.topic}"`))].join(', ')} failed`,
        error,
      );
    }
    monitor.publish('responder.responded', { ...ref, responses: this.counts() });
  }
}

async function toMessage(
  response: BufferedResponse,
  responder: ResolvedResponder,
  consumer: string,
): Promise<ProducerMessage> {
  const options = response.options ?? {};
  let payload: string | Buffer | null;
  try {
    payload = await responder.serializer.serialize(response.payload, {
      topic: response.topic,
      kafkaTopic: responder.kafkaTopic ?? response.topic,
      key: options.key ?? null,
      headers: options.headers,
    });
  } catch (error) {
    throw new ResponderDeliveryError(
      consumer,
      `the response to "${response.topic}" cannot be serialized by ${serializerName(responder)}`,
      error,
    );
  }
  const message: ProducerMessage = { topic: response.topic, payload };
  if (options.key !== undefined) message.key = options.key;
  if (options.headers !== undefined) message.headers = options.headers;
  if (options.partition !== undefined) message.partition = options.partition;
  if (options.partitionKey !== undefined) message.partitionKey = options.partitionKey;
  return message;
}

function serializerName({ serializer }: ResolvedResponder): string {
  const name = (serializer as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== 'Object' ? name : 'its serializer';
}
