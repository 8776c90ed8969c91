import { KarafkaError } from '../errors/karafka.error.js';

/**
 * A `consume` call used its responders against its `@Responds` declarations: an undeclared
 * topic, a required topic not responded to, or a single-use topic responded to more than once.
 * Nothing of that call was sent. `problems` holds one line per problem, each naming the
 * consumer class and the topic.
 */
export class ResponderUsageError extends KarafkaError {
  constructor(
    readonly consumer: string,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? problems[0]!
        : `${consumer} used its responders wrongly (${problems.length} problems):\n` +
            problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }
}

/**
 * The responses of a valid `consume` call could not be serialized or delivered. `cause` holds
 * the serializer's or the producer's error. The offsets of that call are not marked.
 */
export class ResponderDeliveryError extends KarafkaError {
  constructor(
    readonly consumer: string,
    message: string,
    cause: unknown,
  ) {
    super(`${consumer}: ${message}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
