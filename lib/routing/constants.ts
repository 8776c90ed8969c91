export const CONSUMER_METADATA = 'karafka:consumer';
export const RESPONDS_METADATA = 'karafka:responds';
export const DEFAULT_GROUP = 'app';
export const DEFAULT_DEAD_LETTER_RETRIES = 3;
