import { Module } from '@nestjs/common';
import { CartsModule } from '../carts/carts.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { StatsController } from './stats.controller.js';
import { StatsService } from './stats.service.js';

@Module({
  imports: [CartsModule, OrdersModule],
  controllers: [StatsController],
  providers: [StatsService],
})
export class StatsModule {}
