import type { Type } from '@nestjs/common';
import type { BaseConsumer } from '../../lib/processing/base-consumer.js';
import type { ResolvedResponder, Route } from '../../lib/routing/route.js';
import { JsonSerializer } from '../../lib/serialization/json.js';

/** A Route as the explorer would build it, for responder tests (only what responders read). */
export function routeOf(
  consumerClass: Type<unknown>,
  topic: string,
  responders: Array<Partial<ResolvedResponder> & { topic: string }>,
  group = 'app',
): Route {
  return {
    topic,
    kafkaTopic: topic,
    group,
    groupId: `test_${group}`,
    consumerClass: consumerClass as Type<BaseConsumer>,
    batch: true,
    persistent: true,
    initialOffset: 'earliest',
    manualOffsets: false,
    exactlyOnce: false,
    isolationLevel: 'read_committed',
    deserializer: { deserialize: () => null },
    responders: responders.map((responder) => ({
      required: true,
      multiple: false,
      serializer: new JsonSerializer(),
      ...responder,
    })),
    moduleRef: undefined as unknown as Route['moduleRef'],
  };
}
