import { describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { eventually, uniqueName, withAdmin } from '../support/kafka.js';
import { appsClosedAfterEach, produceRaw, startKarafkaApp } from '../support/karafka-app.js';

const apps = appsClosedAfterEach();

describe('a route whose topic does not exist yet', () => {
  it('starts once the broker created the topic on demand, and consumes', async () => {
    const topic = uniqueName('not-yet');
    const topicsBefore = await withAdmin((admin) => admin.listTopics());
    expect(topicsBefore).not.toContain(topic);
    const seen: unknown[] = [];

    @Consumer(topic)
    class NewTopicConsumer extends BaseConsumer {
      consume(messages: Messages): void {
        seen.push(messages.first!.payload);
      }
    }

    // The test broker creates topics on demand (auto.create.topics.enable), like Kafka's default.
    const app = await startKarafkaApp({ clientId: uniqueName('c'), providers: [NewTopicConsumer] });
    apps.push(app);
    await produceRaw(topic, [{ value: '{"first":true}' }]);
    await eventually(() => seen.length >= 1, 30_000, 'the first message');
    expect(seen).toEqual([{ first: true }]);
  });
});
