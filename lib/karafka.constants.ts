// Symbol.for: the same token in the CommonJS and the ESM build (see README, "One copy per process").
/** DI token of the options given to forRoot/forRootAsync, as given. */
export const KARAFKA_MODULE_OPTIONS = Symbol.for('nestjs-karafka:KARAFKA_MODULE_OPTIONS');
/** DI token of the validated KarafkaConfig (defaults filled in). */
export const KARAFKA_CONFIG = Symbol.for('nestjs-karafka:KARAFKA_CONFIG');
/** DI token of the default Deserializer (JSON unless configured). */
export const KARAFKA_DESERIALIZER = Symbol.for('nestjs-karafka:KARAFKA_DESERIALIZER');
/** DI token of the default Serializer (JSON unless configured). */
export const KARAFKA_SERIALIZER = Symbol.for('nestjs-karafka:KARAFKA_SERIALIZER');
/** Internal: the TracingHooks that `KarafkaTracingModule` (nestjs-karafka/tracing) provides. */
export const KARAFKA_TRACING = Symbol.for('nestjs-karafka:KARAFKA_TRACING');
/**
 * Internal: what `KarafkaMetricsModule` (nestjs-karafka/metrics) provides for a swarm's
 * supervisor to collect: `{ metrics(): Promise<string> }`, so the core never loads prom-client.
 */
export const KARAFKA_METRICS_SOURCE = Symbol.for('nestjs-karafka:KARAFKA_METRICS_SOURCE');
