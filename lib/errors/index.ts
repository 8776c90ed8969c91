// Every error the library throws at users, in one place: all are KarafkaError subclasses.
// (DevBrokerError ships with the dev broker: nestjs-karafka/dev-broker.)
export { KarafkaError } from './karafka.error.js';
export { KarafkaConfigurationError } from '../config/karafka-configuration.error.js';
export { KarafkaRoutingError } from '../routing/routing.error.js';
export { KarafkaEnhancerError } from '../enhancers/enhancer.error.js';
export { MessageDeserializationError } from '../messages/message-deserialization.error.js';
export { ResponderDeliveryError, ResponderUsageError } from '../responders/responder.error.js';
export {
  KafkaAuthenticationError,
  KafkaTlsError,
  OffsetCommitError,
} from '../connection/connection.error.js';
export { UnknownEventError } from '../instrumentation/unknown-event.error.js';
export {
  DeliveryFailedError,
  InvalidHeadersError,
  InvalidKeyError,
  InvalidMessageError,
  InvalidPartitionError,
  InvalidProducerOptionsError,
  InvalidTimestampError,
  InvalidTopicError,
  KarafkaProducerError,
  PartitionConflictError,
  MissingPayloadError,
  NotTransactionalError,
  ProducerFencedError,
  TransactionFailedError,
  PayloadSerializationError,
  PayloadTooLargeError,
  ProducerClosedError,
  type MessageLocation,
} from '../producer/producer.error.js';
export { SwarmConfigurationError } from '../swarm/swarm.error.js';
