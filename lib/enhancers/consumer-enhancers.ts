import { Injectable, type ArgumentsHost, type Type } from '@nestjs/common';
import { ExternalContextCreator, ModuleRef } from '@nestjs/core';
import { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { EmptyError, isObservable, lastValueFrom } from 'rxjs';
import { KarafkaError } from '../errors/karafka.error.js';
import { Monitor } from '../instrumentation/monitor.js';
import type { Messages } from '../messages/messages.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import {
  FAILURE_HANDLED,
  type CallChainLink,
  type ConsumeCall,
  type ConsumeOutcome,
} from '../processing/call-chain.js';
import type { Route } from '../routing/route.js';
import {
  CONSUME_ARGS_METADATA,
  consumeParamsFactory,
  describeConsumeArguments,
  MESSAGES_PARAM,
  PAYLOAD,
} from './consume-arguments.js';
import { assertStaticEnhancers, usesEnhancers } from './enhancer-presence.js';
import { KarafkaContext } from './karafka-context.js';
import { applicationConfig, nestContainer, requireContainer } from './nest-container.js';

/** An exception filter as Nest resolved it: `catch` bound to its instance, and what it catches. */
interface ResolvedFilter {
  func: (exception: unknown, host: ArgumentsHost) => unknown;
  exceptionMetatypes: Type[];
}

/** `consume` of one consumer instance, wrapped in its guards, interceptors, pipes and filters. */
type EnhancedConsume = (messages: Messages, context: KarafkaContext) => Promise<ConsumeOutcome>;

/**
 * The Nest enhancers link of the call chain: guards, interceptors and pipes run through Nest's
 * own ExternalContextCreator (as @nestjs/microservices does for `@EventPattern`), with
 * `getType() === 'rpc'`, `getData()` the `Messages` and `getContext()` a `KarafkaContext`.
 * Exception filters run here: a filter that returns without rethrowing handled the failure
 * (Nest's external filter would log and rethrow it when the filter returns nothing).
 * A route without any enhancer keeps the direct call.
 */
@Injectable()
export class ConsumerEnhancers implements CallChainLink {
  private filterContext?: ExternalExceptionFilterContext;
  private contextCreator?: ExternalContextCreator;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly monitor: Monitor,
  ) {}

  wrap(route: Route, next: ConsumeCall): ConsumeCall {
    // Nest already wrapped a pattern handler in its enhancers when it registered it.
    if (route.pattern) return next;
    const reachable = nestContainer(this.moduleRef);
    const config = applicationConfig(reachable);
    const consumerClass = route.consumerClass;
    if (!usesEnhancers(consumerClass, config)) return next;
    const container = requireContainer(reachable);
    assertStaticEnhancers(consumerClass, container, config);
    describeConsumeArguments(consumerClass);
    this.filterContext ??= new ExternalExceptionFilterContext(container, config);
    this.contextCreator ??= payloadOnlyPipes(ExternalContextCreator.fromContainer(container));

    // Enhancers are resolved per consumer instance (one per partition, kept when persistent).
    const handlers = new WeakMap<BaseConsumer, EnhancedConsume>();
    return (consumer, messages, scope) => {
      let handler = handlers.get(consumer);
      if (!handler) {
        handler = this.enhance(route, consumer);
        handlers.set(consumer, handler);
      }
      return handler(messages, new KarafkaContext(messages, consumer, scope));
    };
  }

  private enhance(route: Route, consumer: BaseConsumer): EnhancedConsume {
    // Nest's handler is the consumer's own `consume`: getHandler() and method metadata see it.
    const callback = consumer.consume as (...args: unknown[]) => unknown;
    const target = this.contextCreator!.create(
      consumer,
      callback,
      'consume',
      CONSUME_ARGS_METADATA,
      consumeParamsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: false },
      'rpc',
    );
    const filters = this.resolveFilters(route, consumer, callback);
    const consumerClass = route.consumerClass;
    return async (messages, context) => {
      try {
        await target(messages, context);
        return;
      } catch (error) {
        // lastValueFrom of an interceptor's stream that completed empty: the result was
        // swallowed, consume itself succeeded.
        if (error instanceof EmptyError) return;
        const host = new ExecutionContextHost([messages, context], consumerClass, callback);
        host.setType('rpc');
        if (!(await handledByFilter(filters, error, host))) throw error;
        this.monitor.publish('error.occurred', {
          type: 'consumer.consume.error',
          error,
          handled: true,
          group: route.groupId,
          topic: route.topic,
          partition: context.partition,
          consumer: consumerClass.name,
        });
        return FAILURE_HANDLED;
      }
    };
  }

  /** Method filters first, then class, then global: the first that catches the error handles it. */
  private resolveFilters(
    route: Route,
    consumer: BaseConsumer,
    callback: (...args: unknown[]) => unknown,
  ): ResolvedFilter[] {
    const moduleKey = this.contextCreator!.getContextModuleKey(route.consumerClass);
    const handler = this.filterContext!.create(
      consumer,
      callback as Parameters<ExternalExceptionFilterContext['create']>[1],
      moduleKey,
    );
    const filters = (handler as unknown as { filters?: unknown }).filters;
    if (!Array.isArray(filters)) {
      throw new KarafkaError(
        'nestjs-karafka cannot read the exception filters Nest resolved: this @nestjs/core ' +
          'version is not supported (use Nest 11 or 12).',
      );
    }
    return filters as ResolvedFilter[];
  }
}

/**
 * As in Nest's RPC transports, pipes transform the payload only (`@Payload()` or the undecorated
 * first parameter), never `@Ctx()` or custom parameter decorators. The payload is the framework's
 * `Messages`, not a DTO: pipes see it as `type: 'custom'`, so an app's global ValidationPipe
 * (meant for HTTP bodies) leaves it alone unless it validates custom decorators. This instance is
 * our own, made from the container: Nest's shared ExternalContextCreator is left as it is.
 */
function payloadOnlyPipes(creator: ExternalContextCreator): ExternalContextCreator {
  const pipe = creator.getParamValue.bind(creator);
  creator.getParamValue = (value, metadata, pipes) => {
    const type = metadata.type as unknown;
    return type === PAYLOAD || type === MESSAGES_PARAM
      ? pipe(value, { ...metadata, type: 'custom' }, pipes)
      : Promise.resolve(value);
  };
  return creator;
}

/**
 * Runs the filter that catches `error`, if any. Resolves true when it returned (handled);
 * rejects with what it threw, or with the error of the Observable it returned.
 */
async function handledByFilter(
  filters: readonly ResolvedFilter[],
  error: unknown,
  host: ArgumentsHost,
): Promise<boolean> {
  const filter = filters.find(
    ({ exceptionMetatypes }) =>
      !exceptionMetatypes.length || exceptionMetatypes.some((type) => error instanceof type),
  );
  if (!filter) return false;
  const result = filter.func(error, host);
  if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  else await result;
  return true;
}
