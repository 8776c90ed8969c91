import {
  Catch,
  Module,
  type DynamicModule,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { NestFactory } from '@nestjs/core';
import { KarafkaModule } from '../../lib/karafka.module.js';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { KarafkaServer } from '../../lib/server/karafka.server.js';
import type { BenchPayload } from './payload.js';
import {
  CONCURRENCY,
  KARAFKA_CONSUMER,
  type TaskInput,
  type ThroughputResult,
} from './settings.js';
import { startRssSampler, ThroughputMeter } from './stats.js';

/** Which Nest enhancers the bench consumer carries: none, one interceptor, or a guard, an interceptor and a filter. */
export type BenchEnhancers = 'none' | 'interceptor' | 'guard-interceptor-filter';

/** What a typical light enhancer does: reads the context, passes the call through. */
class PassGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.getType() === 'rpc';
  }
}
class PassInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}
@Catch(TypeError)
class TypeErrorFilter implements ExceptionFilter {
  catch(): void {}
}

/** Applies the variant's enhancers to the consumer class (decorators are plain functions). */
function withEnhancers(target: Type, enhancers: BenchEnhancers): void {
  if (enhancers === 'none') return;
  UseInterceptors(PassInterceptor)(target);
  if (enhancers === 'guard-interceptor-filter') {
    UseGuards(PassGuard)(target);
    UseFilters(TypeErrorFilter)(target);
  }
}

/** Tracing (the real SDK, spans kept in memory) and Prometheus metrics, as production runs them. */
async function observability(): Promise<{ imports: DynamicModule[]; stop(): Promise<void> }> {
  const { InMemorySpanExporter, SimpleSpanProcessor } =
    await import('@opentelemetry/sdk-trace-base');
  const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
  const { KarafkaTracingModule } = await import('../../lib/tracing/index.js');
  const { KarafkaMetricsModule } = await import('../../lib/metrics/index.js');
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return {
    imports: [KarafkaTracingModule.forRoot(), KarafkaMetricsModule.forRoot()],
    stop: async () => {
      if (!exporter.getFinishedSpans().length) throw new Error('tracing recorded no span');
      await provider.shutdown();
    },
  };
}

/**
 * nestjs-karafka as a user writes it: one @Consumer class whose consume reads every payload
 * (JSON, deserialized lazily by the framework). batch: true gets the fetched batch of a
 * partition per call, batch: false one message per call. With `options.registryUrl` the topic
 * holds Avro in the schema registry's wire format, decoded by SchemaRegistryDeserializer
 * (async: the batch is decoded before consume; the schema is fetched once and cached).
 */
export async function consumeKarafka(
  input: TaskInput,
  batch: boolean,
  options: { observed?: boolean; enhancers?: BenchEnhancers } = {},
): Promise<ThroughputResult> {
  const extras = options.observed ? await observability() : undefined;
  const rss = startRssSampler();
  const meter = new ThroughputMeter(input.messages);
  let calls = 0;
  let checksum = 0;

  const registryUrl = input.options?.registryUrl;
  const registry =
    typeof registryUrl === 'string'
      ? await import('../../lib/schema-registry/index.js')
      : undefined;

  @Consumer(input.topic, {
    batch,
    ...(registry ? { deserializer: registry.SchemaRegistryDeserializer } : {}),
  })
  class BenchConsumer extends BaseConsumer<BenchPayload> {
    consume(messages: Messages<BenchPayload>): void {
      calls += 1;
      for (const message of messages) checksum += message.payload.id;
      meter.add(messages.size);
    }
  }
  withEnhancers(BenchConsumer, options.enhancers ?? 'none');

  @Module({
    imports: [
      KarafkaModule.forRoot({
        clientId: `bench-karafka-${batch ? 'batch' : 'single'}-${input.runId}`,
        kafka: { brokers: input.brokers },
        logger: false,
        concurrency: CONCURRENCY,
        initialOffset: 'earliest',
        consumer: KARAFKA_CONSUMER,
      }),
      ...(registry && typeof registryUrl === 'string'
        ? [registry.SchemaRegistryModule.forRoot({ url: registryUrl })]
        : []),
      ...(extras?.imports ?? []),
    ],
    providers: [BenchConsumer],
  })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const server = app.get(KarafkaServer);
  await server.start(); // resolves once the kafkajs consumer joined and runs
  meter.ready();
  await meter.done;
  const peak = rss.stop();
  await app.close();
  await extras?.stop();
  return meter.result(peak, { consumeCalls: calls, checksum });
}
