import { KarafkaError } from '../errors/karafka.error.js';

/** Subscribing to an event name the catalogue does not have. */
export class UnknownEventError extends KarafkaError {}
