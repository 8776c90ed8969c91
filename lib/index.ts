export * from './errors/index.js';
export * from './dev-broker/index.js';
