import type { Message } from '../messages/message.js';
import type { BaseConsumer } from '../processing/base-consumer.js';
import { CONSUMER_RUNTIME, type ConsumerRuntime } from '../processing/consumer-runtime.js';
import type { Producer } from '../producer/producer.js';
import type { RespondToOptions } from '../responders/respond-to-options.js';

/** A `respondTo` call the test runtime recorded. */
export interface RecordedResponse {
  topic: string;
  payload: unknown;
  options?: RespondToOptions;
}

/**
 * Stands in for the framework around one consumer instance in unit tests: records what the
 * consumer asked for (marks, responses, pauses, seeks) instead of doing it.
 */
export class TestConsumerRuntime implements ConsumerRuntime {
  readonly marked: string[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly seeks: string[] = [];
  paused = false;
  pausedFor?: number;

  constructor(
    readonly topic: string,
    readonly groupId: string,
    readonly partition: number,
    private readonly producerInstance?: Producer,
  ) {}

  get producer(): Producer {
    if (!this.producerInstance) {
      throw new Error(
        'No producer in this test: pass one to attachTestRuntime(consumer, { producer }).',
      );
    }
    return this.producerInstance;
  }

  /** Nothing to keep alive in a test. */
  async heartbeat(): Promise<void> {}
  markAsConsumed(message: Message): void {
    this.marked.push(message.offset);
  }
  async markAsConsumedSync(message: Message): Promise<void> {
    this.marked.push(message.offset);
  }
  pause(ms?: number): void {
    this.paused = true;
    this.pausedFor = ms;
  }
  resume(): void {
    this.paused = false;
  }
  seek(offset: string | number | bigint): void {
    this.seeks.push(BigInt(offset).toString());
  }
  respondTo(topic: string, payload: unknown, options?: RespondToOptions): void {
    this.responses.push({ topic, payload, ...(options && { options }) });
  }
}

/** Attaches a recording runtime to a consumer built in a test (e.g. `new MyConsumer(fakeService)`). */
export function attachTestRuntime(
  consumer: BaseConsumer,
  options: { topic?: string; partition?: number; group?: string; producer?: Producer } = {},
): TestConsumerRuntime {
  const topic = options.topic ?? 'test_topic';
  const group = options.group ?? 'test_app';
  const runtime = new TestConsumerRuntime(topic, group, options.partition ?? 0, options.producer);
  consumer[CONSUMER_RUNTIME] = runtime;
  return runtime;
}
