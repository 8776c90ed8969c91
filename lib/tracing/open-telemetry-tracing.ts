import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import type { Message } from '../messages/message.js';
import type { Messages } from '../messages/messages.js';
import type { OutgoingMessage } from '../producer/outgoing-message.js';
import type { PublishSpanEnd, TracingHooks } from './tracing-hooks.js';

/** Options of `KarafkaTracingModule.forRoot()`. */
export interface KarafkaTracingOptions {
  /**
   * A batch's process span links to the context of each of its first `maxLinks` messages
   * (those that carry one). Default 128; 0 links none.
   */
  maxLinks?: number;
  /** Name of the OpenTelemetry tracer. Default `nestjs-karafka`. */
  tracerName?: string;
}

/** Reads the propagation fields from kafkajs headers (Buffers, or arrays of them). */
const headerGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.map(String) : String(value);
  },
};

/**
 * Tracing through the OpenTelemetry API (the app registers the SDK, exporter and propagator):
 * a PRODUCER span `<topic> publish` per produced message, whose context the registered
 * propagator writes into the headers (W3C `traceparent`/`tracestate` by default), and a
 * CONSUMER span `<topic> process` per `consume` call, active while `consume` and its responders
 * run. Attributes follow the OpenTelemetry messaging conventions for Kafka. With no SDK
 * registered, the API's no-op tracer makes every span non-recording and nearly free.
 */
export class OpenTelemetryTracing implements TracingHooks {
  private readonly tracer: Tracer;
  private readonly maxLinks: number;

  constructor(options: KarafkaTracingOptions = {}) {
    this.tracer = trace.getTracer(options.tracerName ?? 'nestjs-karafka');
    this.maxLinks = Math.max(0, options.maxLinks ?? 128);
  }

  startPublish(message: OutgoingMessage): PublishSpanEnd | undefined {
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': message.kafkaTopic,
    };
    if (message.key !== null) attributes['messaging.kafka.message.key'] = String(message.key);
    if (message.partition !== undefined) {
      attributes['messaging.destination.partition.id'] = String(message.partition);
    }
    const span = this.tracer.startSpan(`${message.kafkaTopic} publish`, {
      kind: SpanKind.PRODUCER,
      attributes,
    });
    if (!span.isRecording()) return undefined;
    const headers: IHeaders = { ...message.headers };
    propagation.inject(trace.setSpan(context.active(), span), headers);
    message.headers = headers;
    return (error) => {
      if (error !== undefined) recordError(span, error);
      else {
        const report = message.report();
        if (report.partition >= 0) {
          span.setAttribute('messaging.destination.partition.id', String(report.partition));
        }
        if (report.offset !== '-1') span.setAttribute('messaging.kafka.offset', report.offset);
      }
      span.end();
    };
  }

  async wrapConsume(messages: Messages, call: () => Promise<void>): Promise<void> {
    const { metadata } = messages;
    const first = messages.first;
    const attributes: Attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': metadata.topic,
      'messaging.consumer.group.name': metadata.group,
      'messaging.destination.partition.id': String(metadata.partition),
      'messaging.batch.message_count': messages.size,
    };
    let parent = context.active();
    let links: Link[] | undefined;
    if (messages.size === 1 && first) {
      // One message: its producer's context is the parent (one trace across Kafka).
      attributes['messaging.kafka.offset'] = first.offset;
      if (first.key !== null) attributes['messaging.kafka.message.key'] = first.key;
      parent = extract(first, parent);
    } else {
      // A batch has many parents: each message's context becomes a link instead.
      attributes['messaging.kafka.offset'] = metadata.firstOffset;
      links = this.linksOf(messages);
    }
    const span = this.tracer.startSpan(
      `${metadata.topic} process`,
      { kind: SpanKind.CONSUMER, attributes, links },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), call);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  private linksOf(messages: Messages): Link[] {
    const links: Link[] = [];
    if (this.maxLinks === 0) return links;
    // Only the first maxLinks messages are looked at: the cost per batch stays bounded.
    let looked = 0;
    for (const message of messages) {
      const spanContext = trace.getSpanContext(extract(message, context.active()));
      if (spanContext) links.push({ context: spanContext });
      if (++looked >= this.maxLinks) break;
    }
    return links;
  }
}

function extract(message: Message, base: Context): Context {
  const headers = message.rawHeaders;
  // Most messages of an untraced producer carry no headers: skip the propagator then.
  for (const _ in headers) return propagation.extract(base, headers, headerGetter);
  return base;
}

function recordError(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
