export { Producer } from './producer.js';
export { ProducerMiddlewareChain } from './middleware.js';
export { murmur2, partitionForKey, toPositive } from './murmur2.js';
export type {
  DeliveryHandle,
  DeliveryReport,
  ProducerMessage,
  ProducerMiddleware,
  ProducerPayload,
  ProducerVariantOptions,
} from './producer-message.js';
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
  MissingPayloadError,
  PartitionConflictError,
  PayloadSerializationError,
  PayloadTooLargeError,
  ProducerClosedError,
} from './producer.errors.js';
