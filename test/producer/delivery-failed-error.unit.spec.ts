import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DeliveryFailedError } from '../../lib/producer/producer.error.js';

// What kafkajs builds from Kafka's error code 19 (its createErrorFromCode).
const notEnoughReplicas = () =>
  new KafkaJSProtocolError({
    message: 'Messages are rejected since there are fewer in-sync replicas than required',
    type: 'NOT_ENOUGH_REPLICAS',
    code: 19,
    retriable: true,
  } as unknown as Error);

describe('DeliveryFailedError message', () => {
  it("starts the cause with Kafka's error code, so it can be looked up", () => {
    const error = new DeliveryFailedError(['orders'], 1, notEnoughReplicas());
    expect(error.message).toBe(
      'Delivery of 1 message to "orders" failed: NOT_ENOUGH_REPLICAS: Messages are rejected ' +
        'since there are fewer in-sync replicas than required',
    );
  });

  it('finds the code under the retrier that gave up on it', () => {
    const retried = new KafkaJSNumberOfRetriesExceeded(notEnoughReplicas(), {
      retryCount: 5,
      retryTime: 4_000,
    });
    expect(new DeliveryFailedError(['orders', 'payments'], 3, retried).message).toBe(
      'Delivery of 3 messages to "orders", "payments" failed: NOT_ENOUGH_REPLICAS: Messages are ' +
        'rejected since there are fewer in-sync replicas than required',
    );
  });

  it('has no prefix when the failure has no Kafka error code (a connection error)', () => {
    const error = new DeliveryFailedError(
      ['orders'],
      200,
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092'),
    );
    expect(error.message).toBe(
      'Delivery of 200 messages to "orders" failed: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
  });
});
