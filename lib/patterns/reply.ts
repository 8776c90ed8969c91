import { KafkaHeaders, KafkaRetriableException, type MessageHandler } from '@nestjs/microservices';
import { defer, isObservable, of, type Observable } from 'rxjs';
import type { Producer } from '../producer/producer.js';
import type { ProducerMessage } from '../producer/producer-message.js';
import type { KarafkaKafkaContext } from './karafka-kafka-context.js';

/** One reply message, as Nest's `Server.send` makes them. */
interface ReplyPacket {
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/** Where the request asked to be answered (its `kafka_*` headers). */
export interface ReplyAddress {
  readonly correlationId: string;
  /** Route topic of the reply topic (the producer maps it back to the Kafka topic). */
  readonly replyTopic: string;
  readonly replyPartition?: string;
  readonly producer: Producer;
}

/**
 * Request-reply as Nest's ServerKafka does it, so an unchanged `ClientKafka.send()` gets the
 * answer: one reply per value of the handler's stream (a plain value or promise is one), the
 * last one flagged `kafka_nest-is-disposed`; an error (a thrown `RpcException`, after Nest's
 * RPC exception filters) goes as the `kafka_nest-err` header. Every reply is acknowledged by
 * the broker before this resolves, so before the request's offset is marked. A
 * `KafkaRetriableException` before any value rejects: the request is retried.
 */
export async function replyToRequest(
  handler: MessageHandler,
  data: unknown,
  context: KarafkaKafkaContext,
  address: ReplyAddress,
): Promise<void> {
  const stream$ = defer(async () => {
    const result: unknown = await handler(data, context);
    return result;
  });
  const packets = await collect(stream$);
  await address.producer.produceManySync(packets.map((packet) => replyMessage(packet, address)));
}

/** Values, then the error or completion, merged as Nest's `Server.send` does. */
function collect(stream$: Observable<unknown>): Promise<ReplyPacket[]> {
  return new Promise((resolve, reject) => {
    const packets: ReplyPacket[] = [];
    const dispose = (): void => {
      const last = packets.at(-1);
      if (last) last.isDisposed = true;
      else packets.push({ isDisposed: true });
      resolve(packets);
    };
    stream$.subscribe({
      next: (result) => {
        const inner$ = isObservable(result) ? result : of(result);
        inner$.subscribe({
          next: (response) => packets.push({ response }),
          error: (err: unknown) => {
            if (err instanceof KafkaRetriableException && packets.length === 0) return reject(err);
            packets.push({ err });
            dispose();
          },
          complete: dispose,
        });
      },
      error: (err: unknown) => {
        if (err instanceof KafkaRetriableException) return reject(err);
        packets.push({ err });
        dispose();
      },
    });
  });
}

function replyMessage(packet: ReplyPacket, address: ReplyAddress): ProducerMessage {
  const outgoing = asKafkaMessage(packet.response);
  const headers: Record<string, string | Buffer> = { ...outgoing.headers };
  headers[KafkaHeaders.CORRELATION_ID] = address.correlationId;
  if (packet.err) {
    headers[KafkaHeaders.NEST_ERR] =
      typeof packet.err === 'object' ? JSON.stringify(packet.err) : String(packet.err);
  }
  if (packet.isDisposed) headers[KafkaHeaders.NEST_IS_DISPOSED] = Buffer.alloc(1);
  return {
    topic: address.replyTopic,
    payload: outgoing.value,
    ...(outgoing.key != null && { key: outgoing.key }),
    ...(address.replyPartition != null && { partition: parseFloat(address.replyPartition) }),
    headers,
  };
}

interface ReplyRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
}

/**
 * What Nest's KafkaRequestSerializer makes of a handler's value: a `{ key?, value, headers? }`
 * object is taken as the Kafka message itself, anything else is the value; objects and arrays
 * become JSON, `undefined` a null value.
 */
function asKafkaMessage(response: unknown): ReplyRecord {
  const isRecord =
    typeof response === 'object' &&
    response !== null &&
    !Buffer.isBuffer(response) &&
    ('key' in response || 'value' in response);
  const record = (isRecord ? response : { value: response }) as {
    key?: unknown;
    value?: unknown;
    headers?: Record<string, string | Buffer>;
  };
  return {
    value: encode(record.value),
    ...(record.key != null && { key: encode(record.key) }),
    ...(record.headers && { headers: record.headers }),
  };
}

function encode(value: unknown): string | Buffer | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') {
    const plain =
      Array.isArray(value) ||
      Object.getPrototypeOf(value) === Object.prototype ||
      Object.getPrototypeOf(value) === null ||
      (value as { toString: unknown }).toString === Object.prototype.toString;
    return plain ? JSON.stringify(value) : String(value);
  }
  return String(value);
}
