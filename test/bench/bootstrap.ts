import type { Type } from '@nestjs/common';
import { BaseConsumer } from '../../lib/processing/base-consumer.js';
import { Consumer } from '../../lib/routing/consumer.decorator.js';
import { RoutesExplorer } from '../../lib/routing/routes-explorer.js';
import { karafkaApp } from './karafka-app.js';
import type { BootstrapResult, TaskInput } from './settings.js';
import { median, round, startRssSampler } from './stats.js';

/** `count` distinct @Consumer classes, one topic each, as a big app would declare them. */
function consumerClasses(count: number): Type<BaseConsumer>[] {
  return Array.from({ length: count }, (_, i) => {
    const cls = class extends BaseConsumer {
      consume(): void {}
    };
    Object.defineProperty(cls, 'name', { value: `BenchRoute${i}Consumer` });
    Consumer(`bench-route-${i}`, { batch: i % 2 === 0, group: `g${i % 5}` })(cls);
    return cls;
  });
}

async function timedApp(brokers: string[], providers: Type[]): Promise<number> {
  const started = performance.now();
  const app = await karafkaApp({ clientId: 'bench-bootstrap', kafka: { brokers } }, providers);
  const elapsed = performance.now() - started;
  await app.close();
  return elapsed;
}

/**
 * Route table for `routes` consumer classes: (a) createApplicationContext (module scan, DI,
 * init hooks: the explorer builds the table in onModuleInit) with the classes minus without
 * them; (b) RoutesExplorer.explore() called directly on the initialized app (median of 5).
 * Nothing connects to Kafka.
 */
export async function bootstrapRoutes(input: TaskInput): Promise<BootstrapResult> {
  const rss = startRssSampler();
  const classes = consumerClasses(input.routes);
  await timedApp(input.brokers, []); // warm-up: Nest's own first-use costs
  const initBaselineMs = await timedApp(input.brokers, []);
  const initWithRoutesMs = await timedApp(input.brokers, classes);

  const app = await karafkaApp(
    { clientId: 'bench-bootstrap', kafka: { brokers: input.brokers } },
    classes,
  );
  const explorer = app.get(RoutesExplorer);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const table = await explorer.explore();
    samples.push(performance.now() - started);
    if (table.routes.length !== input.routes) {
      throw new Error(`expected ${input.routes} routes, the table has ${table.routes.length}`);
    }
  }
  await app.close();
  return {
    routes: input.routes,
    exploreMs: round(median(samples), 2),
    initWithRoutesMs: round(initWithRoutesMs, 1),
    initBaselineMs: round(initBaselineMs, 1),
    initDeltaMs: round(initWithRoutesMs - initBaselineMs, 1),
    peakRssMb: rss.stop(),
  };
}
