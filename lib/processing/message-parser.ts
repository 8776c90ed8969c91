import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { Monitor } from '../instrumentation/monitor.js';
import type { Message } from '../messages/message.js';
import { MessageDeserializationError } from '../messages/message-deserialization.error.js';
import type { Route } from '../routing/route.js';

/**
 * Builds, once per route, the function that turns a message's bytes into its payload:
 * the route's deserializer, then (with `payload: Dto`) class-transformer + class-validator.
 * Any failure is reported as `message.deserialize.error` and thrown as MessageDeserializationError.
 */
export function createMessageParser(route: Route, monitor: Monitor): (message: Message) => unknown {
  const { deserializer, payload: dto } = route;
  return (message) => {
    let value: unknown;
    try {
      value = deserializer.deserialize(message);
    } catch (error) {
      throw fail(message, error instanceof Error ? error.message : String(error), error);
    }
    if (!dto) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      throw fail(message, `payload must be an object to become a ${dto.name}, got ${kind}`);
    }
    const instance = plainToInstance(dto, value);
    const errors = validateSync(instance);
    if (errors.length)
      throw fail(message, `${dto.name} validation failed: ${describe(errors).join('; ')}`, errors);
    return instance;
  };

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
