import { Logger } from '@nestjs/common';
import { isRetriableStartup } from '../connection/retriable-startup.js';
import type { KarafkaEvent, KarafkaListener, PartitionRef } from './karafka-events.js';

const where = ({ group, topic, partition }: PartitionRef) => `${group}/${topic}/${partition}`;

/** Options of the default LoggerListener. */
export interface LoggerListenerOptions {
  /**
   * Log every fetched and consumed batch (at debug). Nest's default logger prints debug, so
   * this is off unless `LOG_LEVEL=debug` is set; or pass `{ batches: true }`.
   */
  batches?: boolean;
}

/**
 * Logs the framework's life through Nest's Logger: lifecycle and errors at log/warn/error,
 * one "Consuming" line per consumer group, per-batch events only when asked for.
 * On by default; `KarafkaModule.forRoot({ logger: false })` turns it off.
 */
export class LoggerListener implements KarafkaListener {
  private readonly batches: boolean;

  constructor(
    private readonly logger: Logger = new Logger('Karafka'),
    options: LoggerListenerOptions = {},
  ) {
    this.batches = options.batches ?? process.env.LOG_LEVEL?.toLowerCase() === 'debug';
  }

  /** Logs the event. */
  onAppInitialized({ payload }: KarafkaEvent<'app.initialized'>): void {
    this.logger.log(
      `Routes ready: ${payload.topics.length} topic(s) in group(s) ${payload.groups.join(', ')}`,
    );
  }
  /** Logs the event. */
  onAppRunning({ payload }: KarafkaEvent<'app.running'>): void {
    this.logger.debug(`Running with group(s) ${payload.groups.join(', ')}`);
  }
  /** One line per group once it consumes: what a person starting the app wants to see. */
  onConnectionClientConnected({ payload }: KarafkaEvent<'connection.client.connected'>): void {
    this.logger.log(`Consuming with group ${payload.group}`);
  }
  /** Logs the event. */
  onAppStopping({ payload }: KarafkaEvent<'app.stopping'>): void {
    this.logger.log(`Stopping (${payload.reason})`);
  }
  /** Logs the event. */
  onAppStopped({ payload }: KarafkaEvent<'app.stopped'>): void {
    if (payload.forced)
      this.logger.warn('Stopped by force: shutdownTimeout ran out with work in flight');
    else this.logger.log('Stopped');
  }
  /** Logs the event. */
  onConnectionListenerFetchLoopReceived({
    payload,
  }: KarafkaEvent<'connection.listener.fetch_loop.received'>): void {
    if (!this.batches) return;
    this.logger.debug(`Received ${payload.count} message(s) from ${where(payload)}`);
  }
  /**
   * A crash that will be restarted is a warning (a broker gone), or debug when it is what a
   * fresh broker answers for its first second (a coordinator loading); one that will not is an
   * error.
   */
  onConnectionClientCrashed({ payload }: KarafkaEvent<'connection.client.crashed'>): void {
    const text = `Kafka consumer of group ${payload.group} crashed${payload.restart ? ', restarting' : ''}: ${describe(payload.error)}`;
    if (!payload.restart) this.logger.error(text);
    else if (isRetriableStartup(payload.error)) this.logger.debug(text);
    else this.logger.warn(text);
  }
  /** Logs the event. */
  onConsumerConsumed({ payload, duration }: KarafkaEvent<'consumer.consumed'>): void {
    if (!this.batches) return;
    this.logger.debug(
      `Consumed ${payload.count} message(s) of ${where(payload)}${duration === undefined ? '' : ` in ${duration.toFixed(1)} ms`}`,
    );
  }
  /** Logs the event. */
  onConsumerConsumingPause({ payload }: KarafkaEvent<'consumer.consuming.pause'>): void {
    this.logger.warn(
      `Pausing ${where(payload)} at offset ${payload.offset} for ${payload.timeout} ms (attempt ${payload.attempt})`,
    );
  }
  /** Logs the event. */
  onConsumerConsumingRetry({ payload }: KarafkaEvent<'consumer.consuming.retry'>): void {
    this.logger.log(
      `Retrying ${where(payload)} from offset ${payload.offset} (attempt ${payload.attempt})`,
    );
  }
  /** Logs the event. */
  onRebalancePartitionsAssigned({ payload }: KarafkaEvent<'rebalance.partitions_assigned'>): void {
    this.logger.log(`Group ${payload.group} assigned ${formatPartitions(payload.partitions)}`);
  }
  /** Logs the event. */
  onRebalancePartitionsRevoked({ payload }: KarafkaEvent<'rebalance.partitions_revoked'>): void {
    this.logger.log(`Group ${payload.group} revoked ${formatPartitions(payload.partitions)}`);
  }
  /** Logs the event. */
  onMessageDeserializeError({ payload }: KarafkaEvent<'message.deserialize.error'>): void {
    this.logger.warn(
      `Cannot deserialize ${where(payload)} offset ${payload.offset}: ${describe(payload.error)}`,
    );
  }
  /** Logs the event. */
  onErrorOccurred({ payload }: KarafkaEvent<'error.occurred'>): void {
    // Logged once, by onConnectionClientCrashed, at the level that fits.
    if (payload.type === 'connection.client.error') return;
    const at =
      payload.topic !== undefined
        ? ` (${payload.group ?? '?'}/${payload.topic}/${payload.partition ?? '?'})`
        : '';
    if (payload.handled) {
      // An exception filter took care of it (and logs it if it wants to).
      this.logger.debug(
        `${payload.type}${at}, handled by an exception filter: ${describe(payload.error)}`,
      );
      return;
    }
    const stack = payload.error instanceof Error ? payload.error.stack : undefined;
    this.logger.error(`${payload.type}${at}: ${describe(payload.error)}`, stack);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatPartitions(partitions: Record<string, number[]>): string {
  const entries = Object.entries(partitions);
  return entries.length
    ? entries.map(([topic, list]) => `${topic}[${list.join(',')}]`).join(' ')
    : 'nothing';
}
