import '../utils/dual-package-guard.js';
export {
  createMessages,
  type CreateMessagesOptions,
  type TestMessageInput,
} from './create-messages.js';
export {
  attachTestRuntime,
  TestConsumerRuntime,
  type RecordedResponse,
} from './test-consumer-runtime.js';
