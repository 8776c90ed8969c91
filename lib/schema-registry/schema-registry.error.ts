import { KarafkaError } from '../errors/karafka.error.js';
import { KarafkaProducerError } from '../producer/producer.error.js';

/** The schema registry could not be reached, refused a request, or a message is not in its wire format. */
export class SchemaRegistryError extends KarafkaError {}

/** A payload does not match the schema it is produced with: names the subject and the fields. */
export class SchemaValidationError extends KarafkaProducerError {
  constructor(
    readonly subject: string,
    readonly fields: readonly string[],
    reason: string,
  ) {
    super(
      `payload does not match the schema of subject "${subject}"` +
        (fields.length ? ` at ${fields.map((field) => `"${field}"`).join(', ')}` : '') +
        `: ${reason}`,
    );
  }
}

/** The registry refused to register a schema (e.g. incompatible with the subject's versions). */
export class SchemaRegistrationError extends KarafkaProducerError {
  constructor(
    readonly subject: string,
    readonly status: number | undefined,
    registryMessage: string,
  ) {
    super(
      `the schema registry refused the schema for subject "${subject}"` +
        (status ? ` (HTTP ${status})` : '') +
        `: ${registryMessage}`,
    );
  }
}
