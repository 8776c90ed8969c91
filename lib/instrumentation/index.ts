export {
  KARAFKA_EVENT_NAMES,
  type DeliveryReportInfo,
  type KarafkaErrorType,
  type KarafkaEvent,
  type KarafkaEventName,
  type KarafkaEvents,
  type KarafkaListener,
  type PartitionRef,
  type ProducedMessageInfo,
} from './karafka-events.js';
export { LoggerListener, type LoggerListenerOptions } from './logger-listener.js';
export { Monitor, UnknownEventError } from './monitor.js';
