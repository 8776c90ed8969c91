export { DevBroker, type DevBrokerStartResult } from './dev-broker.js';
export { DevBrokerError } from './dev-broker.error.js';
export {
  DEFAULT_BROKER_PORT,
  DEFAULT_KAFKA_VERSION,
  type DevBrokerOptions,
  type DevBrokerSecureOptions,
  type DevBrokerSecurity,
  type DevBrokerUser,
  type DevBrokerState,
  type DevBrokerStatus,
} from './dev-broker.options.js';
export { DEFAULT_SECURE_USER } from './broker-security.js';
