import type { Route } from '../../routing/route.js';
import type { ReadMessage } from './topic-reader.js';

/** A payload decoded by a route's deserializer, or why it could not be. */
export interface PayloadDecoding {
  /** Which deserializer of which route, e.g. `SchemaRegistryDeserializer (route shop/orders)`. */
  decodedBy: string;
  value?: unknown;
  /** Set when decoding failed: the page shows the raw bytes with this note. */
  error?: string;
}

/** Decodes messages the explorer shows the way the app's routes would. */
export interface PayloadDecoder {
  /** Undefined when no route of this app consumes the message's topic. */
  decode(message: ReadMessage): Promise<PayloadDecoding | undefined>;
}

/** A schema fetch (or any async deserializer) that hangs must not hang the page. */
const DECODE_TIMEOUT_MS = 5_000;

/**
 * Decodes with the deserializer of the route that consumes the message's Kafka topic (the
 * first such route when several groups consume it), sync or async: JSON by default, a custom
 * one, or the schema registry's. Only in the Nest module, where the routes are; the standalone
 * UI has none and shows payloads as JSON, text or hex.
 */
export function routeDecoder(routes: () => Promise<readonly Route[]>): PayloadDecoder {
  return {
    async decode(message) {
      const route = (await routes()).find((r) => r.kafkaTopic === message.topic);
      if (!route) return undefined;
      const decodedBy = `${route.deserializer.constructor.name} (route ${route.groupId}/${route.topic})`;
      try {
        const value = await withTimeout(
          Promise.resolve(
            route.deserializer.deserialize({
              raw: message.value,
              topic: route.topic,
              partition: message.partition,
              offset: message.offset,
              key: message.key === null ? null : message.key.toString('utf8'),
              headers: message.headers,
            }),
          ),
        );
        return { decodedBy, value };
      } catch (error) {
        return { decodedBy, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`decoding took longer than ${DECODE_TIMEOUT_MS / 1000} s`)),
      DECODE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
