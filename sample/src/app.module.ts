import { Module } from '@nestjs/common';
import { KarafkaModule } from 'nestjs-karafka';
import { CartsModule } from './carts/carts.module.js';
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
    CartsModule,
    OrdersModule,
    StatsModule,
    WebhooksModule,
    InventoryModule,
    MetricsModule,
  ],
})
export class AppModule {}
