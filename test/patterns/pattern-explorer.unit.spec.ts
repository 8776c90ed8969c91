import { Controller } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { EventPattern, MessagePattern, Transport } from '@nestjs/microservices';
import { describe, expect, it } from 'vitest';
import { IdentityTopicMapper } from '../../lib/mapping/topic-mapper.js';
import { KarafkaRoute } from '../../lib/patterns/karafka-route.decorator.js';
import { explorePatternHandlers } from '../../lib/patterns/pattern-explorer.js';
import { PatternHandlers } from '../../lib/patterns/pattern-handlers.js';
import { KarafkaRoutingError } from '../../lib/routing/routing.error.js';

const moduleRef = {} as ModuleRef;

function explore(...controllers: object[]) {
  return explorePatternHandlers(
    controllers.map((metatype) => ({ metatype }) as unknown as InstanceWrapper),
    {
      groupId: 'nestjs-group-server',
      handlers: new PatternHandlers(),
      topicMapper: new IdentityTopicMapper(),
      moduleRefOf: () => moduleRef,
    },
  );
}

describe('routing @EventPattern / @MessagePattern handlers', () => {
  it("routes each pattern as a topic in Nest's default group, with @KarafkaRoute options, skipping other transports", () => {
    @Controller()
    class ShopController {
      @EventPattern('orders')
      onOrder(_data: unknown): void {}

      @MessagePattern('prices.get')
      price(): number {
        return 1;
      }

      @EventPattern('clicks')
      @KarafkaRoute({ batch: true, groupId: 'clicks-group', deadLetter: { topic: 'clicks_dlq' } })
      onClicks(_data: unknown): void {}

      @EventPattern('tcp-only', Transport.TCP)
      onTcp(_data: unknown): void {}
    }
    const candidates = explore(ShopController);
    expect(
      candidates.map(({ topic, groupId, pattern, definition }) => ({
        topic,
        groupId,
        kind: pattern.kind,
        consumer: definition.consumer.name,
        batch: definition.batch,
        deadLetter: definition.deadLetter,
      })),
    ).toEqual([
      {
        topic: 'orders',
        groupId: 'nestjs-group-server',
        kind: 'event',
        consumer: 'ShopController.onOrder',
        batch: false,
        deadLetter: undefined,
      },
      {
        topic: 'prices.get',
        groupId: 'nestjs-group-server',
        kind: 'message',
        consumer: 'ShopController.price',
        batch: false,
        deadLetter: undefined,
      },
      {
        topic: 'clicks',
        groupId: 'clicks-group',
        kind: 'event',
        consumer: 'ShopController.onClicks',
        batch: true,
        deadLetter: { topic: 'clicks_dlq' },
      },
    ]);
  });

  it('refuses batches on @MessagePattern, pattern objects, unknown options and two repliers of one topic', () => {
    @Controller()
    class BatchReplies {
      @MessagePattern('prices.get')
      @KarafkaRoute({ batch: true })
      price(): number {
        return 1;
      }
    }
    expect(() => explore(BatchReplies)).toThrow(
      new KarafkaRoutingError(
        'BatchReplies.price: @KarafkaRoute({ batch: true }) works on @EventPattern handlers only; a @MessagePattern handler answers each request with its own reply.',
      ),
    );

    @Controller()
    class ObjectPattern {
      @MessagePattern({ cmd: 'sum' })
      sum(): number {
        return 1;
      }
    }
    expect(() => explore(ObjectPattern)).toThrow(
      /ObjectPattern.sum: pattern .* is not a topic name/,
    );

    @Controller()
    class Typo {
      @EventPattern('orders')
      @KarafkaRoute({ bacth: true } as never)
      onOrder(_data: unknown): void {}
    }
    expect(() => explore(Typo)).toThrow(/Typo.onOrder: unknown @KarafkaRoute option\(s\) bacth/);

    @Controller()
    class A {
      @MessagePattern('prices.get')
      price(): number {
        return 1;
      }
    }
    @Controller()
    class B {
      @MessagePattern('prices.get')
      price(): number {
        return 2;
      }
    }
    expect(() => explore(A, B)).toThrow(
      /Pattern "prices.get" has two handlers .*A.price and B.price/,
    );
  });

  it('routes event handlers of one topic in several controllers once (Nest chains them)', () => {
    @Controller()
    class Audit {
      @EventPattern('orders')
      log(_data: unknown): void {}
    }
    @Controller()
    class Billing {
      @EventPattern('orders')
      bill(_data: unknown): void {}
    }
    expect(explore(Audit, Billing).map((c) => c.topic)).toEqual(['orders']);
  });
});
