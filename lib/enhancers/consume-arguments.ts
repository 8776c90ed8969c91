import type { ExecutionContext, ParamData, Type } from '@nestjs/common';
import { CUSTOM_ROUTE_ARGS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ParamsFactory } from '@nestjs/core';

/** Nest's RPC parameter types (`RpcParamtype` of @nestjs/microservices): `@Payload()`, `@Ctx()`. */
export const PAYLOAD = 3;
const CONTEXT = 6;

/**
 * Where the arguments of an enhanced `consume` are described: the parameter decorators' own
 * metadata, plus `consume`'s first parameter as the payload when nothing decorates it, so that
 * pipes transform the `Messages` as they would a `@Payload()`.
 */
export const CONSUME_ARGS_METADATA = 'karafka:consumeArguments';

/** The parameter type of the undecorated first parameter (a custom one: it gets the Messages). */
export const MESSAGES_PARAM = `karafkaMessages${CUSTOM_ROUTE_ARGS_METADATA}`;

interface ParamMetadata {
  index: number;
  data?: ParamData;
  pipes?: unknown[];
  factory?: (data: unknown, context: ExecutionContext) => unknown;
}

/** Whether `consume` has parameter decorators (`@Payload()`, `@Ctx()`, custom ones). */
export function hasParamDecorators(consumerClass: Type): boolean {
  const metadata = Reflect.getMetadata(ROUTE_ARGS_METADATA, consumerClass, 'consume') as
    Record<string, ParamMetadata> | undefined;
  return !!metadata && Object.keys(metadata).length > 0;
}

/** Stores the arguments of `consume` under CONSUME_ARGS_METADATA (once per route, at bootstrap). */
export function describeConsumeArguments(consumerClass: Type): void {
  const declared =
    (Reflect.getMetadata(ROUTE_ARGS_METADATA, consumerClass, 'consume') as
      Record<string, ParamMetadata> | undefined) ?? {};
  const firstDecorated = Object.values(declared).some((param) => param.index === 0);
  const args: Record<string, ParamMetadata> = firstDecorated
    ? { ...declared }
    : {
        ...declared,
        [`${MESSAGES_PARAM}:0`]: {
          index: 0,
          data: undefined,
          pipes: [],
          factory: (_data, context) => context.getArgByIndex(0),
        },
      };
  Reflect.defineMetadata(CONSUME_ARGS_METADATA, args, consumerClass, 'consume');
}

/** Values of `@Payload(property?)` and `@Ctx()`: the call's arguments are `[messages, context]`. */
export const consumeParamsFactory: ParamsFactory = {
  exchangeKeyForValue(type: number, data: ParamData, args: unknown): unknown {
    const [messages, context] = args as [Record<string, unknown>, unknown];
    if (type === PAYLOAD) return data ? messages?.[String(data)] : messages;
    if (type === CONTEXT) return context;
    return null;
  },
};
