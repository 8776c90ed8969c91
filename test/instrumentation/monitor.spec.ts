import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { KarafkaError } from '../../lib/errors/karafka.error.js';
import {
  KARAFKA_EVENT_NAMES,
  listenerMethodName,
  type KarafkaEvent,
  type KarafkaEventName,
  type KarafkaEvents,
} from '../../lib/instrumentation/karafka-events.js';
import { LoggerListener } from '../../lib/instrumentation/logger-listener.js';
import { Monitor } from '../../lib/instrumentation/monitor.js';
import { UnknownEventError } from '../../lib/instrumentation/unknown-event.error.js';

const ref = { group: 'shop_app', topic: 'orders', partition: 2 };
const consumed = { ...ref, count: 3, firstOffset: '10', lastOffset: '12' };

afterEach(() => vi.restoreAllMocks());

describe('the event catalogue', () => {
  it('lists every KarafkaEvents key in KARAFKA_EVENT_NAMES and nothing else (type level)', () => {
    type Listed = (typeof KARAFKA_EVENT_NAMES)[number];
    expectTypeOf<Exclude<KarafkaEventName, Listed>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<Listed, keyof KarafkaEvents>>().toEqualTypeOf<never>();
  });

  it('has no duplicate names', () => {
    expect(new Set(KARAFKA_EVENT_NAMES).size).toBe(KARAFKA_EVENT_NAMES.length);
  });

  it('maps every name to a distinct listener method name', () => {
    const methods = KARAFKA_EVENT_NAMES.map(listenerMethodName);
    expect(new Set(methods).size).toBe(methods.length);
    for (const method of methods) expect(method).toMatch(/^on[A-Z][A-Za-z]+$/);
  });

  it('turns dots and underscores into camel case', () => {
    expect(listenerMethodName('consumer.consumed')).toBe('onConsumerConsumed');
    expect(listenerMethodName('buffer.flushed_sync')).toBe('onBufferFlushedSync');
    expect(listenerMethodName('connection.listener.fetch_loop.received')).toBe(
      'onConnectionListenerFetchLoopReceived',
    );
  });
});

describe('Monitor', () => {
  describe('subscribe(name, fn)', () => {
    it('delivers { id, payload, time } to a subscriber of that name only', () => {
      const monitor = new Monitor();
      const received: KarafkaEvent[] = [];
      const other = vi.fn();
      monitor.subscribe('consumer.consumed', (event) => received.push(event));
      monitor.subscribe('consumer.consume', other);
      const before = Date.now();
      monitor.publish('consumer.consumed', consumed);

      expect(received).toHaveLength(1);
      const [event] = received;
      expect(event!.id).toBe('consumer.consumed');
      expect(event!.payload).toBe(consumed);
      expect(event!.duration).toBeUndefined();
      expect(event!.time).toBeInstanceOf(Date);
      expect(event!.time.getTime()).toBeGreaterThanOrEqual(before);
      expect(other).not.toHaveBeenCalled();
    });

    it('calls subscribers in the order they subscribed, with duration when given', () => {
      const monitor = new Monitor();
      const calls: string[] = [];
      monitor.subscribe('app.stopped', (e) => calls.push(`a:${e.duration}`));
      monitor.subscribe('app.stopped', (e) => calls.push(`b:${e.duration}`));
      monitor.publish('app.stopped', { forced: false }, 12.5);
      expect(calls).toEqual(['a:12.5', 'b:12.5']);
    });

    it('rejects an unknown event name with UnknownEventError naming the known events', () => {
      const monitor = new Monitor();
      const subscribe = () => monitor.subscribe('consumer.consumd' as KarafkaEventName, vi.fn());
      expect(subscribe).toThrow(UnknownEventError);
      expect(subscribe).toThrow(/Unknown event "consumer\.consumd"/);
      expect(subscribe).toThrow(/Known events: .*consumer\.consumed.*error\.occurred/);
      expect(UnknownEventError.prototype).toBeInstanceOf(KarafkaError);
    });

    it('rejects a missing handler', () => {
      const monitor = new Monitor();
      expect(() => monitor.subscribe('app.running', undefined as never)).toThrow(KarafkaError);
    });

    it('returns an unsubscribe function that stops delivery', () => {
      const monitor = new Monitor();
      const handler = vi.fn();
      const off = monitor.subscribe('app.running', handler);
      monitor.publish('app.running', { groups: ['g'] });
      off();
      monitor.publish('app.running', { groups: ['g'] });
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it('unsubscribes only its own subscription when the same function is subscribed twice', () => {
      const monitor = new Monitor();
      const handler = vi.fn();
      const off = monitor.subscribe('app.running', handler);
      monitor.subscribe('app.running', handler);
      off();
      off();
      monitor.publish('app.running', { groups: [] });
      expect(handler).toHaveBeenCalledTimes(1);
    });

    it('lets a subscriber unsubscribe while the event is being delivered', () => {
      const monitor = new Monitor();
      const second = vi.fn();
      const off = monitor.subscribe('app.running', () => off());
      monitor.subscribe('app.running', second);
      monitor.publish('app.running', { groups: [] });
      monitor.publish('app.running', { groups: [] });
      expect(second).toHaveBeenCalledTimes(2);
      expect(monitor.hasListeners('app.running')).toBe(true);
    });
  });

  describe('subscribe(listener)', () => {
    it('maps onConsumerConsumed and onBufferFlushedSync of a plain object to their events', () => {
      const monitor = new Monitor();
      const listener = { onConsumerConsumed: vi.fn(), onBufferFlushedSync: vi.fn() };
      monitor.subscribe(listener);
      monitor.publish('consumer.consumed', consumed);
      monitor.publish('buffer.flushed_sync', { messages: [] });
      expect(listener.onConsumerConsumed).toHaveBeenCalledWith(
        expect.objectContaining({ id: 'consumer.consumed', payload: consumed }),
      );
      expect(listener.onBufferFlushedSync).toHaveBeenCalledWith(
        expect.objectContaining({ id: 'buffer.flushed_sync' }),
      );
    });

    it('finds methods on the prototype chain of a class instance and calls them with `this` bound', () => {
      class BaseMetrics {
        readonly seen: string[] = [];
        onAppStopped(): void {
          this.seen.push('stopped');
        }
      }
      class Metrics extends BaseMetrics {
        onConnectionListenerFetchLoopReceived(
          event: KarafkaEvent<'connection.listener.fetch_loop.received'>,
        ): void {
          this.seen.push(`received ${event.payload.count}`);
        }
      }
      const monitor = new Monitor();
      const metrics = new Metrics();
      monitor.subscribe(metrics);
      monitor.publish('connection.listener.fetch_loop.received', {
        ...ref,
        count: 4,
        highWatermark: '9',
      });
      monitor.publish('app.stopped', { forced: false });
      expect(metrics.seen).toEqual(['received 4', 'stopped']);
    });

    it('rejects a listener with an onXxx method that matches no event, naming class and method', () => {
      class Metrics {
        onConsumerConsumed(): void {}
        onConsumerExploded(): void {}
      }
      const monitor = new Monitor();
      const subscribe = () => monitor.subscribe(new Metrics());
      expect(subscribe).toThrow(UnknownEventError);
      expect(subscribe).toThrow(/Metrics\.onConsumerExploded does not match any event/);
      // Nothing of the rejected listener stays subscribed.
      expect(monitor.hasListeners('consumer.consumed')).toBe(false);
    });

    it('ignores methods that are not onXxx event methods (helpers, once, online, getters)', () => {
      let getterRead = false;
      class Metrics {
        calls = 0;
        get onlineCount(): number {
          getterRead = true;
          return 1;
        }
        once(): void {}
        online(): void {}
        record(): void {}
        onAppRunning(): void {
          this.calls++;
        }
      }
      const monitor = new Monitor();
      const metrics = new Metrics();
      expect(() => monitor.subscribe(metrics)).not.toThrow();
      monitor.publish('app.running', { groups: [] });
      expect(metrics.calls).toBe(1);
      expect(getterRead).toBe(false);
    });

    it('ignores Nest lifecycle hooks, so a listener can be a provider that subscribes itself', () => {
      class SelfSubscribingListener {
        hooks = 0;
        events = 0;
        onModuleInit(): void {
          this.hooks++;
        }
        onApplicationBootstrap(): void {}
        onModuleDestroy(): void {}
        onApplicationShutdown(): void {}
        onAppRunning(): void {
          this.events++;
        }
      }
      const monitor = new Monitor();
      const listener = new SelfSubscribingListener();
      expect(() => monitor.subscribe(listener)).not.toThrow();
      monitor.publish('app.running', { groups: [] });
      expect([listener.events, listener.hooks]).toEqual([1, 0]);
    });

    it('returns one function that unsubscribes every method of the listener', () => {
      const monitor = new Monitor();
      const listener = { onAppRunning: vi.fn(), onAppStopped: vi.fn() };
      const off = monitor.subscribe(listener);
      off();
      monitor.publish('app.running', { groups: [] });
      monitor.publish('app.stopped', { forced: true });
      expect(listener.onAppRunning).not.toHaveBeenCalled();
      expect(listener.onAppStopped).not.toHaveBeenCalled();
      expect(monitor.hasListeners('app.running')).toBe(false);
    });

    it('rejects something that is neither a name nor a listener object', () => {
      const monitor = new Monitor();
      expect(() => monitor.subscribe(null as never)).toThrow(KarafkaError);
      expect(() => monitor.subscribe(42 as never)).toThrow(KarafkaError);
    });
  });

  describe('a subscriber that throws', () => {
    it('is reported as error.occurred type monitor.listener.error, and later subscribers still get the event', () => {
      const monitor = new Monitor();
      const boom = new Error('listener bug');
      const errors: Array<KarafkaEvents['error.occurred']> = [];
      const after = vi.fn();
      monitor.subscribe('error.occurred', (e) => errors.push(e.payload));
      monitor.subscribe('consumer.consumed', () => {
        throw boom;
      });
      monitor.subscribe('consumer.consumed', after);

      expect(() => monitor.publish('consumer.consumed', consumed)).not.toThrow();
      expect(errors).toEqual([{ type: 'monitor.listener.error', error: boom }]);
      expect(after).toHaveBeenCalledTimes(1);
    });

    it('is logged, not re-published, when it listens to error.occurred itself', () => {
      const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const monitor = new Monitor();
      const first = vi.fn(() => {
        throw new Error('error listener bug');
      });
      const second = vi.fn();
      monitor.subscribe('error.occurred', first);
      monitor.subscribe('error.occurred', second);
      monitor.publish('error.occurred', { type: 'consumer.consume.error', error: new Error('x') });
      expect(first).toHaveBeenCalledTimes(1);
      expect(second).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(expect.stringContaining('error listener bug'));
    });

    it('is logged when nobody listens to error.occurred', () => {
      const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const monitor = new Monitor();
      monitor.subscribe('app.running', () => {
        throw new Error('lonely bug');
      });
      expect(() => monitor.publish('app.running', { groups: [] })).not.toThrow();
      expect(error).toHaveBeenCalledWith(expect.stringMatching(/app\.running.*lonely bug/));
    });
  });

  describe('hasListeners', () => {
    it('is false until someone subscribes and false again after unsubscribing', () => {
      const monitor = new Monitor();
      expect(monitor.hasListeners('consumer.consumed')).toBe(false);
      const off = monitor.subscribe('consumer.consumed', vi.fn());
      expect(monitor.hasListeners('consumer.consumed')).toBe(true);
      expect(monitor.hasListeners('consumer.consume')).toBe(false);
      off();
      expect(monitor.hasListeners('consumer.consumed')).toBe(false);
    });

    it('counts listener objects too', () => {
      const monitor = new Monitor();
      monitor.subscribe({ onMessageAcknowledged: vi.fn() });
      expect(monitor.hasListeners('message.acknowledged')).toBe(true);
    });
  });

  describe('instrument', () => {
    it('returns the result of the work and publishes the event with its duration in ms', async () => {
      const monitor = new Monitor();
      const events: KarafkaEvent[] = [];
      monitor.subscribe('consumer.consumed', (e) => events.push(e));
      const result = await monitor.instrument('consumer.consumed', consumed, async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return 'done';
      });
      expect(result).toBe('done');
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toBe(consumed);
      expect(events[0]!.duration).toBeGreaterThanOrEqual(15);
    });

    it('publishes only after the work finished', async () => {
      const monitor = new Monitor();
      const order: string[] = [];
      monitor.subscribe('consumer.consumed', () => order.push('event'));
      await monitor.instrument('consumer.consumed', consumed, async () => {
        order.push('work');
      });
      expect(order).toEqual(['work', 'event']);
    });

    it('rethrows when the work throws and publishes nothing', async () => {
      const monitor = new Monitor();
      const handler = vi.fn();
      monitor.subscribe('consumer.consumed', handler);
      await expect(
        monitor.instrument('consumer.consumed', consumed, async () => {
          throw new Error('consume failed');
        }),
      ).rejects.toThrow('consume failed');
      expect(handler).not.toHaveBeenCalled();
    });
  });
});

describe('LoggerListener', () => {
  function loggerSpy() {
    const logger = new Logger('test');
    return {
      logger,
      log: vi.spyOn(logger, 'log').mockImplementation(() => undefined),
      warn: vi.spyOn(logger, 'warn').mockImplementation(() => undefined),
      error: vi.spyOn(logger, 'error').mockImplementation(() => undefined),
      debug: vi.spyOn(logger, 'debug').mockImplementation(() => undefined),
    };
  }

  it('subscribes to a monitor without unknown-method errors', () => {
    expect(() => new Monitor().subscribe(new LoggerListener(loggerSpy().logger))).not.toThrow();
  });

  it('logs error.occurred at error level with type, location, message and stack', () => {
    const spy = loggerSpy();
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener(spy.logger));
    const error = new Error('consume failed');
    monitor.publish('error.occurred', { type: 'consumer.consume.error', error, ...ref });
    expect(spy.error).toHaveBeenCalledWith(
      'consumer.consume.error (shop_app/orders/2): consume failed',
      error.stack,
    );
    expect(spy.debug).not.toHaveBeenCalled();
  });

  it('logs an error an exception filter handled at debug level, one line without a stack', () => {
    const spy = loggerSpy();
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener(spy.logger));
    const error = new Error('out of stock');
    monitor.publish('error.occurred', {
      type: 'consumer.consume.error',
      error,
      handled: true,
      ...ref,
    });
    expect(spy.debug).toHaveBeenCalledWith(
      'consumer.consume.error (shop_app/orders/2), handled by an exception filter: out of stock',
    );
    expect(spy.error).not.toHaveBeenCalled();
  });

  it('logs a crash that will be restarted as a warning, one that will not as an error, once each', () => {
    const spy = loggerSpy();
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener(spy.logger));
    const error = new Error('ECONNREFUSED');
    monitor.publish('connection.client.crashed', { group: 'shop_app', error, restart: true });
    monitor.publish('error.occurred', {
      type: 'connection.client.error',
      error,
      group: 'shop_app',
    });
    expect(spy.warn).toHaveBeenCalledWith(
      expect.stringMatching(/shop_app crashed, restarting: ECONNREFUSED/),
    );
    expect(spy.error).not.toHaveBeenCalled();
    monitor.publish('connection.client.crashed', { group: 'shop_app', error, restart: false });
    expect(spy.error).toHaveBeenCalledTimes(1);
    expect(spy.error).toHaveBeenCalledWith(expect.stringMatching(/shop_app crashed: ECONNREFUSED/));
  });

  it('logs no per-batch lines by default, and none at all for a coordinator still loading', () => {
    const spy = loggerSpy();
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener(spy.logger, { batches: false }));
    monitor.publish('connection.listener.fetch_loop.received', {
      ...ref,
      count: 5,
      highWatermark: '20',
    });
    monitor.publish('consumer.consumed', consumed, 3.14159);
    expect(spy.debug).not.toHaveBeenCalled();
    const loading = Object.assign(
      new Error("The coordinator is loading and hence can't process requests"),
      {
        name: 'KafkaJSProtocolError',
        type: 'COORDINATOR_LOAD_IN_PROGRESS',
        retriable: true,
      },
    );
    monitor.publish('connection.client.crashed', {
      group: 'shop_app',
      error: loading,
      restart: true,
    });
    expect(spy.debug).toHaveBeenCalledWith(
      expect.stringMatching(/shop_app crashed, restarting: The coordinator is loading/),
    );
    expect(spy.warn).not.toHaveBeenCalled();
    expect(spy.error).not.toHaveBeenCalled();
  });

  it('logs per-batch events at debug level when asked to', () => {
    const spy = loggerSpy();
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener(spy.logger, { batches: true }));
    monitor.publish('connection.listener.fetch_loop.received', {
      ...ref,
      count: 5,
      highWatermark: '20',
    });
    monitor.publish('consumer.consumed', consumed, 3.14159);
    expect(spy.debug.mock.calls).toEqual([
      ['Received 5 message(s) from shop_app/orders/2'],
      ['Consumed 3 message(s) of shop_app/orders/2 in 3.1 ms'],
    ]);
    expect(spy.log).not.toHaveBeenCalled();
    expect(spy.warn).not.toHaveBeenCalled();
    expect(spy.error).not.toHaveBeenCalled();
  });

  it('does not print "undefined ms" for a consumed event without a duration', () => {
    const spy = loggerSpy();
    new LoggerListener(spy.logger, { batches: true }).onConsumerConsumed({
      id: 'consumer.consumed',
      payload: consumed,
      time: new Date(),
    });
    expect(spy.debug).toHaveBeenCalledWith('Consumed 3 message(s) of shop_app/orders/2');
  });

  it('logs pauses and deserialization errors as warnings, a forced stop as a warning', () => {
    const spy = loggerSpy();
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener(spy.logger));
    monitor.publish('consumer.consuming.pause', { ...ref, timeout: 2000, offset: '7', attempt: 2 });
    monitor.publish('message.deserialize.error', {
      ...ref,
      offset: '8',
      error: new SyntaxError('bad json'),
    });
    monitor.publish('app.stopped', { forced: true });
    expect(spy.warn.mock.calls.map(([text]) => text)).toEqual([
      'Pausing shop_app/orders/2 at offset 7 for 2000 ms (attempt 2)',
      'Cannot deserialize shop_app/orders/2 offset 8: bad json',
      'Stopped by force: shutdownTimeout ran out with work in flight',
    ]);
  });

  it('logs through the Nest Logger with context Karafka by default', () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const monitor = new Monitor();
    monitor.subscribe(new LoggerListener());
    monitor.publish('error.occurred', { type: 'producer.flush.error', error: 'broker gone' });
    expect(error).toHaveBeenCalledWith('producer.flush.error: broker gone', undefined);
    expect((error.mock.contexts[0] as Logger & { context?: string }).context).toBe('Karafka');
  });
});
