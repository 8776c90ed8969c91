export { KarafkaError } from './karafka.error.js';
