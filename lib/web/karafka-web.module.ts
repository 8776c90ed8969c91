import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { KARAFKA_WEB_OPTIONS, type KarafkaWebOptions } from './karafka-web.options.js';
import { WebTracker } from './tracking/web-tracker.js';
import { webController } from './web.controller.js';
import { WebUiService } from './web-ui.service.js';

/**
 * Karafka Web for Nest: import `KarafkaWebModule.forRoot({ path: 'karafka' })` next to
 * `KarafkaModule.forRoot()`. Every process then reports what it consumes to Kafka, and the
 * app's HTTP server serves the UI at `path` (Express). All state lives in Kafka topics.
 */
@Module({})
export class KarafkaWebModule {
  /** Registers the tracking and, unless `ui: false`, the UI's controller. */
  static forRoot(options: KarafkaWebOptions = {}): DynamicModule {
    const providers: Provider[] = [{ provide: KARAFKA_WEB_OPTIONS, useValue: options }];
    if (options.tracking !== false) providers.push(WebTracker);
    const ui = options.ui !== false;
    if (ui) providers.push(WebUiService);
    return {
      module: KarafkaWebModule,
      providers,
      controllers: ui ? [webController(options.path ?? 'karafka', options)] : [],
      exports: options.tracking !== false ? [WebTracker] : [],
    };
  }
}
