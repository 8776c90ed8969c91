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
import { UnknownEventError } from './unknown-event.error.js';

type Handler<N extends KarafkaEventName> = (event: KarafkaEvent<N>) => void;

const KNOWN = new Set<string>(KARAFKA_EVENT_NAMES);
const METHOD_TO_EVENT = new Map(
  KARAFKA_EVENT_NAMES.map((name) => [listenerMethodName(name), name]),
);

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
  subscribe(listener: KarafkaListener): () => void;
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
    if (nameOrListener === null || typeof nameOrListener !== 'object') {
      throw new KarafkaError(
        'monitor.subscribe() needs an event name and a function, or a listener object',
      );
    }
    const unsubscribers: Array<() => void> = [];
    for (const method of listenerMethods(nameOrListener)) {
      const event = METHOD_TO_EVENT.get(method);
      if (!event) {
        unsubscribers.forEach((off) => off());
        throw new UnknownEventError(
          `${listenerName(nameOrListener)}.${method} does not match any event; listener methods are ` +
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

  /** Publishes an event to its subscribers; a subscriber that throws is reported and never breaks the caller. */
  publish<N extends KarafkaEventName>(name: N, payload: KarafkaEvents[N], duration?: number): void {
    const handlers = this.handlers.get(name);
    if (!handlers?.length) return;
    const event: KarafkaEvent<N> = { id: name, payload, duration, time: new Date() };
    for (const handler of handlers) {
      try {
        (handler as Handler<N>)(event);
      } catch (error) {
        if (name === 'error.occurred' || !this.hasListeners('error.occurred')) {
          // Nobody would hear about it otherwise (or it would loop): say it in the log.
          this.logger.error(`A monitor listener of ${name} threw: ${String(error)}`);
        } else {
          this.publish('error.occurred', { type: 'monitor.listener.error', error });
        }
      }
    }
  }

  /**
   * Runs `work`, then publishes `name` with the time it took in `duration`. When `work` throws,
   * nothing is published (the event means success) and the error propagates.
   */
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
    // A wrapper per subscription: unsubscribing removes this one, even when the same function
    // was subscribed twice, and calling it again does nothing.
    const subscription: Handler<KarafkaEventName> = (event) =>
      (handler as Handler<KarafkaEventName>)(event);
    // Copy-on-write: a publish in progress keeps iterating the old array.
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), subscription]);
    return () => {
      this.handlers.set(
        name,
        (this.handlers.get(name) ?? []).filter((h) => h !== subscription),
      );
    };
  }
}

/**
 * The `onXxx` methods of a listener: own ones and those of its classes. Read through property
 * descriptors, so that getters are not invoked; `once()` or `online()` are not event methods,
 * nor Nest's hooks (`onModuleInit`...), so a listener can be a provider that subscribes itself.
 */
/** Nest lifecycle hooks: a listener may be a provider that implements them. */
const NEST_HOOKS = new Set([
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'onApplicationShutdown',
]);

function listenerMethods(listener: object): string[] {
  const names = new Set<string>();
  for (
    let target: object | null = listener;
    target && target !== Object.prototype;
    target = Object.getPrototypeOf(target) as object | null
  ) {
    for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(target))) {
      if (
        /^on[A-Z]/.test(name) &&
        !NEST_HOOKS.has(name) &&
        typeof descriptor.value === 'function'
      ) {
        names.add(name);
      }
    }
  }
  return [...names];
}

function listenerName(listener: object): string {
  const ctor = (listener as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'listener';
}
