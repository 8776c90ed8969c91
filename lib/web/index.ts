/*
 * nestjs-karafka/web: Karafka Web for Nest. Its own entry point: apps that do not import it
 * load none of it. State lives in Kafka topics only; the UI serves its own assets.
 */
export { KarafkaWebModule } from './karafka-web.module.js';
export type { KarafkaWebOptions } from './karafka-web.options.js';
export { WebTracker } from './tracking/web-tracker.js';
export type {
  ErrorReport,
  ProcessHour,
  ProcessReport,
  ProcessSample,
  ReportedGroup,
  ReportedPartition,
  ReportedRoute,
  WebCommand,
} from './tracking/process-report.js';
export { DEFAULT_WEB_TOPICS, ensureWebTopics, type KarafkaWebTopics } from './web-topics.js';
export {
  serveKarafkaWeb,
  type KarafkaWebServer,
  type KarafkaWebServerOptions,
} from './standalone.js';
