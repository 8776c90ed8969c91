import 'reflect-metadata';

export * from './errors/index.js';
export * from './dev-broker/index.js';

// Module and configuration
export { KarafkaModule } from './karafka.module.js';
export {
  KARAFKA_CONFIG,
  KARAFKA_DESERIALIZER,
  KARAFKA_MODULE_OPTIONS,
  KARAFKA_SERIALIZER,
} from './karafka.constants.js';
export { CONFIG_DEFAULTS, resolveConfig, type KarafkaConfig } from './config/karafka-config.js';
export { KarafkaConfigurationError } from './config/karafka-configuration.error.js';
export type {
  Acks,
  CommitOptions,
  CompressionName,
  ConsumerSettings,
  InitialOffset,
  KafkaConnectionOptions,
  KarafkaModuleAsyncOptions,
  KarafkaModuleOptions,
  KarafkaOptionsFactory,
  PauseOptions,
  ProducerSettings,
} from './config/karafka-options.js';

// Routing
export { Consumer } from './routing/consumer.decorator.js';
export type {
  ConsumerOptions,
  DeadLetterOptions,
  RouteDefinition,
  TopicDeclaration,
} from './routing/consumer-options.js';
export type { ConsumerGroupRoutes, ResolvedResponder, Route } from './routing/route.js';
export { RouteRegistry } from './routing/route-registry.js';
export { RouteTable } from './routing/route-table.js';
export { KarafkaRoutingError } from './routing/routing.error.js';

// The transport
export {
  KarafkaServer,
  type KarafkaServerEvents,
  type KarafkaServerStatus,
  type KarafkaStopResult,
  type RouteSelection,
} from './server/karafka.server.js';

// Messages and consumers
export * from './messages/index.js';
export { BaseConsumer, type OnRevoked, type OnShutdown } from './processing/base-consumer.js';
export type { ConsumerRuntime } from './processing/consumer-runtime.js';

// Responders
export { Responds } from './responders/responds.decorator.js';
export type { ResponderDeclaration, RespondsOptions } from './responders/responder-declaration.js';
export type { RespondToOptions } from './responders/respond-to-options.js';
export { ResponderDeliveryError, ResponderUsageError } from './responders/responder-usage.error.js';
export { ResponseBuffer, type BufferedResponse } from './responders/response-buffer.js';
export {
  describeFlow,
  flowAsJson,
  flowAsMermaid,
  flowEntries,
  responderRule,
  type FlowEntry,
  type FlowResponder,
} from './responders/flow.js';

// Producer
export * from './producer/index.js';

// Serialization, mapping, instrumentation, connection
export * from './serialization/index.js';
export * from './mapping/index.js';
export * from './instrumentation/index.js';
export { KafkaClientFactory } from './connection/kafka-client.factory.js';
export { KafkaAuthenticationError, KafkaTlsError } from './connection/connection-failure.js';
export { OffsetCommitError } from './connection/offset-committer.js';
