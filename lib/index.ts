import 'reflect-metadata';
import './utils/dual-package-guard.js';

/*
 * The public API: what apps use. Internals (the route table class, the response buffer, config
 * resolution, flow helpers, the kafkajs client factory) stay importable inside the package only;
 * the dev broker has its own entry point, `nestjs-karafka/dev-broker`, and the test helpers
 * `nestjs-karafka/testing`. test/public-api.spec.ts keeps this list.
 */

// Errors (all KarafkaError subclasses)
export * from './errors/index.js';

// Module and configuration
export { KarafkaModule } from './karafka.module.js';
export {
  KARAFKA_CONFIG,
  KARAFKA_DESERIALIZER,
  KARAFKA_MODULE_OPTIONS,
  KARAFKA_SERIALIZER,
} from './karafka.constants.js';
export type { KarafkaConfig } from './config/karafka-config.js';
export type {
  Acks,
  CommitOptions,
  CompressionName,
  ConsumerSettings,
  InitialOffset,
  IsolationLevel,
  KafkaConnectionOptions,
  KarafkaSettings,
  PauseOptions,
  ProducerSettings,
} from './config/karafka-options.js';
export type {
  KarafkaModuleAsyncOptions,
  KarafkaModuleOptions,
  KarafkaOptionsFactory,
} from './karafka-module-options.js';

// Routing
export { Consumer } from './routing/consumer.decorator.js';
export type {
  ConsumerOptions,
  DeadLetterOptions,
  RouteDefinition,
  TopicDeclaration,
  VirtualPartitionsOptions,
} from './routing/consumer-options.js';
export type {
  ConsumerGroupRoutes,
  ResolvedResponder,
  ResolvedVirtualPartitions,
  Route,
} from './routing/route.js';
export { RouteRegistry } from './routing/route-registry.js';
export type { RouteTable } from './routing/route-table.js';

// The transport
export {
  KarafkaServer,
  type KarafkaServerEvents,
  type KarafkaServerStatus,
  type KarafkaStopResult,
  type RouteSelection,
} from './server/karafka.server.js';

// Runtime state and health (what nestjs-karafka/metrics and /health read)
export type { KarafkaRuntimeSnapshot } from './server/runtime-snapshot.js';
export type { PartitionCommand } from './server/partition-command.js';
export type {
  ConsumerGroupSnapshot,
  ConsumerGroupState,
  PartitionSnapshot,
} from './connection/consumer-group-snapshot.js';
export type {
  KarafkaHealth,
  KarafkaHealthCheck,
  KarafkaHealthLimits,
  KarafkaHealthProblem,
} from './health/karafka-health.js';

// Messages and consumers
export { Message } from './messages/message.js';
export { Messages, type BatchMetadata } from './messages/messages.js';
export { BaseConsumer, type OnRevoked, type OnShutdown } from './processing/base-consumer.js';
export type { ConsumerRuntime } from './processing/consumer-runtime.js';
export { KarafkaContext } from './enhancers/karafka-context.js';

// Nest's Kafka transport handlers (@EventPattern / @MessagePattern) on KarafkaServer
export { KarafkaRoute, type KarafkaRouteOptions } from './patterns/karafka-route.decorator.js';
export { KarafkaKafkaContext } from './patterns/karafka-kafka-context.js';
export { NestKafkaDeserializer } from './patterns/nest-kafka.deserializer.js';
export type { PatternHandlerInfo } from './patterns/pattern-consumer.js';

// Responders
export { Responds } from './responders/responds.decorator.js';
export type { ResponderDeclaration, RespondsOptions } from './responders/responder-declaration.js';
export type { RespondToOptions } from './responders/respond-to-options.js';

// Producer
export { Producer } from './producer/producer.js';
export { murmur2, partitionForKey } from './producer/murmur2.js';
export type {
  DeliveryHandle,
  DeliveryReport,
  ProducerMessage,
  ProducerMiddleware,
  ProducerPayload,
  ProducerVariantOptions,
} from './producer/producer-message.js';
export type { Transaction, TransactionOffsets } from './producer/transaction.js';

// Serialization, mapping, instrumentation
export * from './serialization/index.js';
export * from './mapping/index.js';
export {
  KARAFKA_EVENT_NAMES,
  type ConsumeCallInfo,
  type DeliveryReportInfo,
  type KarafkaErrorType,
  type KarafkaEvent,
  type KarafkaEventName,
  type KarafkaEvents,
  type KarafkaListener,
  type PartitionRef,
  type ProducedMessageInfo,
  type TransactionRef,
} from './instrumentation/karafka-events.js';
export { LoggerListener, type LoggerListenerOptions } from './instrumentation/logger-listener.js';
export { Monitor } from './instrumentation/monitor.js';

// Parallelism: a swarm of processes
export { runSwarm, type Swarm } from './swarm/run-swarm.js';
export type { SwarmHttpOptions, SwarmOptions } from './swarm/swarm-options.js';
export type { SwarmWorkerState, SwarmWorkerStatus } from './swarm/swarm-status.js';
export type {
  SwarmHealth,
  SwarmHealthCheck,
  SwarmHealthProblem,
  SwarmInspection,
  SwarmWorkerInspection,
  SwarmWorkerReport,
} from './swarm/swarm-report.js';
