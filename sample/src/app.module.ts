import { Module } from '@nestjs/common';
import { KarafkaModule } from 'nestjs-karafka';
import { KarafkaMetricsModule } from 'nestjs-karafka/metrics';
import { KarafkaWebModule } from 'nestjs-karafka/web';
import { CartsModule } from './carts/carts.module.js';
import { HealthModule } from './health/health.module.js';
import { InventoryModule } from './inventory/inventory.module.js';
import { karafkaOptions } from './karafka.config.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { StatsModule } from './stats/stats.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/**
 * The event-driven shop. Consumers are ordinary providers of the feature modules; Karafka
 * finds them at bootstrap. The configuration is read from the environment when the app boots
 * (see karafka.config.ts).
 */
@Module({
  imports: [
    KarafkaModule.forRootAsync({ useFactory: () => karafkaOptions() }),
    // GET /metrics in the Prometheus text format; lag of idle or paused partitions every 10 s.
    KarafkaMetricsModule.forRoot({ lagInterval: 10_000, defaultMetrics: true }),
    // The web UI at /karafka: processes, lag, errors, dead letters, topic data; pause/resume from
    // the browser. Its state lives in Kafka (karafka_consumers_* topics, created at start).
    KarafkaWebModule.forRoot({ path: 'karafka', commands: true }),
    CartsModule,
    OrdersModule,
    StatsModule,
    WebhooksModule,
    InventoryModule,
    MetricsModule,
    HealthModule,
  ],
})
export class AppModule {}
