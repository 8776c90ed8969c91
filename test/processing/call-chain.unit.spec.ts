import { describe, expect, it } from 'vitest';
import type { Messages } from '../../lib/messages/messages.js';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import {
  buildCallChain,
  directConsume,
  FAILURE_HANDLED,
  type CallChainLink,
  type ConsumeCall,
  type ConsumeOutcome,
} from '../../lib/processing/call-chain.js';
import { PartitionExecutor } from '../../lib/processing/partition-executor.js';
import { selectStrategy } from '../../lib/processing/strategies/strategy-selector.js';
import { FakeControls, FakeHost, fakeBatch, fakeRoute, parseJson } from './partition-fakes.js';

const log: string[] = [];

class RespondingConsumer extends BaseConsumer {
  consume(messages: Messages): void {
    log.push(`consume ${messages.size}`);
    // Not declared with @Responds: a ResponderUsageError if it were ever delivered.
    this.respondTo('undeclared', { n: 1 });
  }
}

/** A link that logs around the rest of the chain. */
const around = (name: string): CallChainLink => ({
  wrap: (_route, next) => async (consumer, messages, scope) => {
    log.push(`${name} before`);
    const outcome = await next(consumer, messages, scope);
    log.push(`${name} after`);
    return outcome;
  },
});

describe('the call chain around consume', () => {
  it('is the direct call when no link applies, and links[0] is the outermost', async () => {
    const route = fakeRoute(RespondingConsumer);
    const skip: CallChainLink = { wrap: (_route, next) => next };
    expect(buildCallChain(route, [])).toBe(directConsume);
    expect(buildCallChain(route, [skip, skip])).toBe(directConsume);

    log.length = 0;
    const call = buildCallChain(route, [around('outer'), around('inner')]);
    const host = new FakeHost();
    const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route), call);
    await executor.process(fakeBatch(0, 2), new FakeControls());
    expect(log).toEqual([
      'outer before',
      'inner before',
      'consume 2',
      'inner after',
      'outer after',
    ]);
  });

  it('a failure a link handled counts as done: marked, and the responses of the call dropped', async () => {
    const route = fakeRoute(RespondingConsumer);
    const handled: ConsumeCall = async (consumer, messages): Promise<ConsumeOutcome> => {
      await consumer.consume(messages);
      return FAILURE_HANDLED;
    };
    const host = new FakeHost();
    const controls = new FakeControls();
    const executor = new PartitionExecutor(
      route,
      0,
      host,
      parseJson,
      selectStrategy(route),
      handled,
    );
    await executor.process(fakeBatch(0, 3), controls);
    expect(host.lastMarked()).toBe('2');
    expect(controls.resolved).toEqual(['2']);
    expect(host.produced).toEqual([]);
    expect(host.eventsNamed('error.occurred')).toEqual([]);
  });

  it('without a link, the same consume fails on its undeclared response (the check above is real)', async () => {
    const route = fakeRoute(RespondingConsumer);
    const host = new FakeHost();
    const executor = new PartitionExecutor(route, 0, host, parseJson, selectStrategy(route));
    await executor.process(fakeBatch(0, 3), new FakeControls());
    expect(host.lastMarked()).toBeUndefined();
    expect(host.eventsNamed('error.occurred').map((e) => e.type)).toEqual([
      'responder.usage.error',
    ]);
    executor.clearTimers();
  });

  it("gives links the partition's scope, whose heartbeat reaches the batch in progress", async () => {
    const route = fakeRoute(RespondingConsumer);
    let beats = 0;
    const controls = new FakeControls();
    controls.heartbeat = async () => {
      beats += 1;
    };
    const beating: ConsumeCall = async (_consumer, _messages, scope): Promise<ConsumeOutcome> => {
      expect([scope.route, scope.partition]).toEqual([route, 4]);
      await scope.heartbeat();
      return FAILURE_HANDLED;
    };
    const executor = new PartitionExecutor(
      route,
      4,
      new FakeHost(),
      parseJson,
      selectStrategy(route),
      beating,
    );
    await executor.process(fakeBatch(0, 1), controls);
    expect(beats).toBe(1);
  });
});
