import { KarafkaError } from '../errors/karafka.error.js';

/** The broker refused the SASL credentials (or the mechanism). Retrying cannot help. */
export class KafkaAuthenticationError extends KarafkaError {}

/** The TLS handshake failed: the broker's certificate is not trusted, or TLS is not spoken there. */
export class KafkaTlsError extends KarafkaError {}

/** Kafka did not take the offsets (the client lost its group, or the broker is unreachable). */
export class OffsetCommitError extends KarafkaError {}
