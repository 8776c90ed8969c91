import { KarafkaError } from '../errors/karafka.error.js';

/** KarafkaModule options are invalid. `problems` holds one `path: reason` line per problem. */
export class KarafkaConfigurationError extends KarafkaError {
  constructor(readonly problems: string[]) {
    super(
      `Invalid KarafkaModule configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n'),
    );
  }
}
