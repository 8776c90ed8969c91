import { Injectable } from '@nestjs/common';
import { Monitor } from 'nestjs-karafka';
import { KarafkaEventCounter } from './karafka-event-counter.js';

/**
 * Subscribes the counter to the Karafka monitor as soon as the app is created. Not in
 * `onModuleInit`: `startAllMicroservices()` starts the consumers before the HTTP app's init
 * hooks run, and the first events (group joins, partition assignments) would be missed.
 */
@Injectable()
export class MetricsRegistrar {
  constructor(monitor: Monitor, counter: KarafkaEventCounter) {
    monitor.subscribe(counter);
  }
}
