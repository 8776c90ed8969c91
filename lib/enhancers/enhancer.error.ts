import { KarafkaError } from '../errors/karafka.error.js';

/** An enhancer on a consumer cannot run the way it is declared (e.g. request-scoped). */
export class KarafkaEnhancerError extends KarafkaError {}
