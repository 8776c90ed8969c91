import { Injectable } from '@nestjs/common';
import { Monitor } from 'nestjs-karafka';
import { KarafkaEventCounter } from './karafka-event-counter.js';

/**
 * Subscribes the counter to the Karafka monitor as soon as the app is created, so it also
 * counts `app.initialized`, which KarafkaModule (a global module, initialized first) publishes
 * during its own init. Consuming events all come later, after bootstrap.
 */
@Injectable()
export class MetricsRegistrar {
  constructor(monitor: Monitor, counter: KarafkaEventCounter) {
    monitor.subscribe(counter);
  }
}
