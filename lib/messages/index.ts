export { Message } from './message.js';
export { MessageDeserializationError } from './message-deserialization.error.js';
export { Messages, type BatchMetadata } from './messages.js';
