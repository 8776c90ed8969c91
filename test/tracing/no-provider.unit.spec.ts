import { context, trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Message } from '../../lib/messages/message.js';
import { Messages } from '../../lib/messages/messages.js';
import { OutgoingMessage } from '../../lib/producer/outgoing-message.js';
import { OpenTelemetryTracing } from '../../lib/tracing/open-telemetry-tracing.js';

// This file registers no OpenTelemetry SDK (each test file runs in its own process): the API's
// no-op tracer is what an app that imports the module but sets up nothing gets.
describe('tracing with no OpenTelemetry SDK registered', () => {
  it('leaves messages untouched and runs consume as is', async () => {
    const tracing = new OpenTelemetryTracing();
    const headers = { 'x-request': 'r-1' };
    const outgoing = new OutgoingMessage(
      't',
      't',
      'k',
      'v',
      headers,
      undefined,
      undefined,
      undefined,
    );
    expect(tracing.startPublish(outgoing)).toBeUndefined();
    expect(outgoing.headers).toBe(headers);

    const raw = {
      offset: '0',
      key: null,
      value: Buffer.from('1'),
      timestamp: '0',
      attributes: 0,
      headers: {
        traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
      },
    } as unknown as KafkaMessage;
    const message = new Message(raw, {
      topic: 't',
      partition: 0,
      receivedAt: new Date(),
      parse: () => 1,
    });
    const messages = new Messages([message], {
      group: 'g',
      topic: 't',
      partition: 0,
      firstOffset: '0',
      lastOffset: '0',
      highWatermark: '1',
      lag: 0,
      receivedAt: new Date(),
      processedAt: new Date(),
    });
    let active: unknown = 'not called';
    await tracing.wrapConsume(messages, async () => {
      active = trace.getSpan(context.active())?.isRecording();
    });
    expect(active).not.toBe('not called');
    expect(active).not.toBe(true); // nothing records
    await expect(
      tracing.wrapConsume(messages, () => Promise.reject(new Error('consume failed'))),
    ).rejects.toThrow('consume failed');
  });
});
