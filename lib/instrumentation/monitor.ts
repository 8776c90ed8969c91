import { Injectable, Logger } from '@nestjs/common';
import { KarafkaError } from '../errors/karafka.error.js';
import {
  KARAFKA_EVENT_NAMES,
  listenerMethodName,
  type KarafkaEvent,
  type KarafkaEventName,
  type KarafkaEvents,
  type KarafkaListener,
} from './karafka-events.js';

type Handler<N extends KarafkaEventName> = (event: KarafkaEvent<N>) => void;

const KNOWN = new Set<string>(KARAFKA_EVENT_NAMES);
const METHOD_TO_EVENT = new Map(
  KARAFKA_EVENT_NAMES.map((name) => [listenerMethodName(name), name]),
);

/** Subscribing to an event name the catalogue does not have. */
export class UnknownEventError extends KarafkaError {}

/**
 * The instrumentation bus (Karafka's monitor). Everything the framework does is published
 * here; logging, metrics and tracing subscribe. A subscriber that throws is reported as
 * `error.occurred` (`monitor.listener.error`) and never breaks processing.
 */
@Injectable()
export class Monitor {
  private readonly handlers = new Map<KarafkaEventName, Array<Handler<KarafkaEventName>>>();
  private readonly logger = new Logger('Karafka');

  /** Subscribes to one event. Returns a function that unsubscribes. */
  subscribe<N extends KarafkaEventName>(name: N, handler: Handler<N>): () => void;
  /** Subscribes every `onEventName` method of a listener object. */
  subscribe(listener: KarafkaListener | object): () => void;
  subscribe(
    nameOrListener: KarafkaEventName | object,
    handler?: Handler<KarafkaEventName>,
  ): () => void {
    if (typeof nameOrListener === 'string') {
      if (!KNOWN.has(nameOrListener)) {
        throw new UnknownEventError(
          `Unknown event "${nameOrListener}". Known events: ${KARAFKA_EVENT_NAMES.join(', ')}.`,
        );
      }
      if (typeof handler !== 'function')
        throw new KarafkaError('monitor.subscribe(name, handler) needs a function');
      return this.add(nameOrListener, handler);
    }
    const unsubscribers: Array<() => void> = [];
    for (const method of methodNames(nameOrListener)) {
      if (!method.startsWith('on') || method === 'constructor') continue;
      const event = METHOD_TO_EVENT.get(method);
      if (!event) {
        throw new UnknownEventError(
          `${nameOrListener.constructor.name}.${method} does not match any event; listener methods are ` +
            `named after events, e.g. onConsumerConsumed for "consumer.consumed".`,
        );
      }
      const fn = (nameOrListener as Record<string, (event: KarafkaEvent) => void>)[method]!;
      unsubscribers.push(this.add(event, (e) => fn.call(nameOrListener, e)));
    }
    return () => unsubscribers.forEach((off) => off());
  }

  /** True when someone listens: hot paths skip building payloads nobody reads. */
  hasListeners(name: KarafkaEventName): boolean {
    return (this.handlers.get(name)?.length ?? 0) > 0;
  }

  publish<N extends KarafkaEventName>(name: N, payload: KarafkaEvents[N], duration?: number): void {
    const handlers = this.handlers.get(name);
    if (!handlers?.length) return;
    const event: KarafkaEvent<N> = { id: name, payload, duration, time: new Date() };
    for (const handler of handlers) {
      try {
        (handler as Handler<N>)(event);
      } catch (error) {
        if (name === 'error.occurred') {
          this.logger.error(`A monitor listener of error.occurred threw: ${String(error)}`);
        } else {
          this.publish('error.occurred', { type: 'monitor.listener.error', error });
        }
      }
    }
  }

  /** Runs `work`, then publishes `name` with the time it took (also when it throws, it rethrows). */
  async instrument<N extends KarafkaEventName, T>(
    name: N,
    payload: KarafkaEvents[N],
    work: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    const result = await work();
    this.publish(name, payload, performance.now() - started);
    return result;
  }

  private add<N extends KarafkaEventName>(name: N, handler: Handler<N>): () => void {
    const list = this.handlers.get(name) ?? [];
    // Copy-on-write: a publish in progress keeps iterating the old array.
    this.handlers.set(name, [...list, handler as Handler<KarafkaEventName>]);
    return () => {
      this.handlers.set(
        name,
        (this.handlers.get(name) ?? []).filter((h) => h !== handler),
      );
    };
  }
}

function methodNames(object: object): string[] {
  const names = new Set<string>(Object.keys(object));
  for (
    let proto = Object.getPrototypeOf(object);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  }
  return [...names].filter(
    (name) => typeof (object as Record<string, unknown>)[name] === 'function',
  );
}
