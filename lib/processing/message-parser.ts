import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { Monitor } from '../instrumentation/monitor.js';
import type { Message } from '../messages/message.js';
import { MessageDeserializationError } from '../messages/message-deserialization.error.js';
import type { Route } from '../routing/route.js';
import { isAsyncFunction, isThenable } from '../utils/thenable.js';
import {
  describeIssues,
  isStandardSchema,
  type StandardSchemaV1,
} from '../validation/standard-schema.js';

/**
 * Turns a message's bytes into its payload. Called as a function it is the lazy, synchronous
 * path (`message.payload` on first access). When the route's deserializer or payload schema is
 * asynchronous, `async` is true and the executor decodes the batch ahead with `decode` instead.
 */
export interface MessageParser {
  (message: Message): unknown;
  /** The deserializer or the payload schema returns promises: decode before `consume`. */
  readonly async?: boolean;
  /**
   * The full path: the payload, or a promise of it when the deserializer or the schema answers
   * with one; throws or rejects with MessageDeserializationError.
   */
  readonly decode?: (message: Message) => unknown;
}

/**
 * Builds, once per route, the function that turns a message's bytes into its payload: the
 * route's deserializer, then its `payload` check (a class-validator DTO class, or a Standard
 * Schema such as zod or valibot). Any failure is reported as `message.deserialize.error` and
 * thrown as MessageDeserializationError.
 *
 * A deserializer declared `async` makes the route async from the start. One that returns a
 * promise without being declared so (or a schema that validates asynchronously) is found out
 * on first use: that access fails with an error saying so, the route switches to decoding
 * ahead, and the batch's retry succeeds.
 */
export function createMessageParser(route: Route, monitor: Monitor): MessageParser {
  const { deserializer, payload: check } = route;
  const name = deserializer.constructor?.name || 'the deserializer';
  const validate = check === undefined ? undefined : validator(check);
  let async = deserializer.async === true || isAsyncFunction(deserializer.deserialize);

  const parse = ((message: Message) => {
    let value: unknown;
    try {
      value = deserializer.deserialize(message);
    } catch (error) {
      throw fail(message, reasonOf(error), error);
    }
    if (isThenable(value)) return foundAsync(message, value, `${name}.deserialize()`);
    if (!validate) return value;
    const checked = validate(value, message);
    return isThenable(checked) ? foundAsync(message, checked, 'the payload schema') : checked;
  }) as MessageParser;

  // No promise where the deserializer answered at once (a schema registry with the schema
  // cached): decoding ahead then costs what the lazy path costs.
  const decode = (message: Message): unknown => {
    let value: unknown;
    try {
      value = deserializer.deserialize(message);
    } catch (error) {
      throw fail(message, reasonOf(error), error);
    }
    if (isThenable(value)) {
      return Promise.resolve(value).then(
        (settled) => (validate ? validate(settled, message) : settled),
        (error: unknown) => {
          throw fail(message, reasonOf(error), error);
        },
      );
    }
    return validate ? validate(value, message) : value;
  };

  Object.defineProperties(parse, {
    async: { get: () => async, enumerable: true },
    decode: { value: decode, enumerable: true },
  });
  return parse;

  function foundAsync(message: Message, pending: PromiseLike<unknown>, what: string): never {
    async = true;
    // Nobody awaits it: a rejection must not become an unhandled one.
    void Promise.resolve(pending).catch(() => undefined);
    throw fail(
      message,
      `${what} returned a promise where a value was expected: from now on this route decodes ` +
        `payloads before consume, and this batch is retried (declare the method async to skip this retry)`,
    );
  }

  /** A Standard Schema or a DTO class as one check; returns the (possibly new) payload. */
  function validator(
    schema: Type<object> | StandardSchemaV1,
  ): (value: unknown, message: Message) => unknown {
    if (isStandardSchema(schema)) {
      const props = schema['~standard'];
      const settle = (result: StandardSchemaV1.Result<unknown>, message: Message): unknown => {
        if (!result.issues) return result.value;
        throw fail(
          message,
          `${props.vendor} validation failed: ${describeIssues(result.issues).join('; ')}`,
          result.issues,
        );
      };
      return (value, message) => {
        const result = props.validate(value);
        return isThenable(result)
          ? Promise.resolve(result).then((settled) => settle(settled, message))
          : settle(result, message);
      };
    }
    const dto = schema;
    return (value, message) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
        throw fail(message, `payload must be an object to become a ${dto.name}, got ${kind}`);
      }
      const instance = plainToInstance(dto, value);
      const errors = validateSync(instance);
      if (errors.length)
        throw fail(
          message,
          `${dto.name} validation failed: ${describe(errors).join('; ')}`,
          errors,
        );
      return instance;
    };
  }

  function fail(message: Message, reason: string, cause?: unknown): MessageDeserializationError {
    const error = new MessageDeserializationError(
      message.topic,
      message.partition,
      message.offset,
      reason,
      cause,
    );
    monitor.publish('message.deserialize.error', {
      group: route.groupId,
      topic: route.topic,
      partition: message.partition,
      offset: message.offset,
      error,
    });
    return error;
  }
}

/**
 * Decodes every message of a batch at once (concurrently, order kept) and gives the lookup the
 * batch's messages read their payload from: a message that failed throws its
 * MessageDeserializationError on access, exactly as the lazy path would, so the consumer, the
 * strategies and the dead letter queue see the usual error path.
 */
export async function decodeAhead(
  list: readonly Message[],
  decode: (message: Message) => unknown,
): Promise<(message: Message) => unknown> {
  const values = new Map<Message, unknown>();
  let failures: Map<Message, unknown> | undefined;
  let pending: Promise<void>[] | undefined;
  for (const message of list) {
    let result: unknown;
    try {
      result = decode(message);
    } catch (error) {
      (failures ??= new Map()).set(message, error);
      continue;
    }
    if (isThenable(result)) {
      (pending ??= []).push(
        Promise.resolve(result).then(
          (value) => void values.set(message, value),
          (error: unknown) => void (failures ??= new Map()).set(message, error),
        ),
      );
    } else {
      values.set(message, result);
    }
  }
  if (pending) await Promise.all(pending);
  return (message) => {
    if (failures?.has(message)) throw failures.get(message);
    return values.get(message);
  };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describe(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    // class-validator's texts start with the property name; the path already says it.
    const own = Object.values(error.constraints ?? {}).map(
      (text) =>
        `${path}: ${text.startsWith(`${error.property} `) ? text.slice(error.property.length + 1) : text}`,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}
