/*
 * nestjs-karafka/tracing: OpenTelemetry traces across Kafka. Pulls in `@opentelemetry/api`
 * (an optional peer), so it has its own entry point: apps that do not import it load nothing.
 */
export { KarafkaTracingModule } from './karafka-tracing.module.js';
export { OpenTelemetryTracing, type KarafkaTracingOptions } from './open-telemetry-tracing.js';
