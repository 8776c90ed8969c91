import { KarafkaError } from '../errors/karafka.error.js';

/** Swarm options that cannot work (e.g. `workers: 0`). */
export class SwarmConfigurationError extends KarafkaError {}
