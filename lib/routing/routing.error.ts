import { KarafkaError } from '../errors/karafka.error.js';

/** The routes cannot be built: the message names the consumer class and the topic. */
export class KarafkaRoutingError extends KarafkaError {}
