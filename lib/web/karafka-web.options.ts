import type { CanActivate, Type } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { KarafkaWebTopics } from './web-topics.js';

/** Options of `KarafkaWebModule.forRoot()`. */
export interface KarafkaWebOptions {
  /** Where the UI is mounted on the app's HTTP server. Default `karafka` (`/karafka`). */
  path?: string;
  /**
   * Pause/resume/seek partitions from the browser, delivered through the commands topic.
   * Off by default: the UI is read-only for partitions unless this is true.
   */
  commands?: boolean;
  /** No state changes at all: no commands, no dead-letter replay/skip. Default false. */
  readOnly?: boolean;
  /** Called for every request of the UI; false answers 403. */
  authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Nest guards put on the UI's controller (`@UseGuards`). */
  guards?: Array<Type<CanActivate> | CanActivate>;
  /** Report interval of this process in ms. Default 5000. */
  interval?: number;
  /** Publish this process's reports and errors (default true); false only serves the UI. */
  tracking?: boolean;
  /** Serve the UI (default true); false only publishes the reports (workers without HTTP). */
  ui?: boolean;
  /** Topic names (defaults: `DEFAULT_WEB_TOPICS`). */
  topics?: Partial<KarafkaWebTopics>;
}

export const KARAFKA_WEB_OPTIONS = Symbol.for('nestjs-karafka:web-options');
