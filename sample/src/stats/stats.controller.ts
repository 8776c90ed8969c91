import { Controller, Get } from '@nestjs/common';
import { StatsService, type ShopStats } from './stats.service.js';

@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  get(): ShopStats {
    return this.stats.stats();
  }
}
