/*
 * nestjs-karafka/health: a @nestjs/terminus health indicator. Pulls in `@nestjs/terminus` (an
 * optional peer), so it has its own entry point. Without terminus, `KarafkaServer.health()`
 * (main entry) gives the same as plain data, and `karafka server --health-port` serves it.
 */
export { KarafkaHealthIndicator } from './karafka-health.indicator.js';
export { KarafkaHealthModule } from './karafka-health.module.js';
