import { KarafkaError } from '../errors/karafka.error.js';

/** A message's payload could not be deserialized or failed its DTO validation. */
export class MessageDeserializationError extends KarafkaError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`Cannot deserialize ${topic}/${partition} at offset ${offset}: ${reason}`, { cause });
  }
}
