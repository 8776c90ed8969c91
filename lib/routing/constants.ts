export const CONSUMER_METADATA = 'karafka:consumer';
export const RESPONDS_METADATA = 'karafka:responds';
export const DEFAULT_GROUP = 'app';
export const TOPIC_NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
export const DEFAULT_DEAD_LETTER_RETRIES = 3;
