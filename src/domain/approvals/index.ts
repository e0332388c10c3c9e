export * from './authorize.js';
export * from './command.js';
export * from './fingerprint.js';
export * from './load-policy.js';
export * from './policy.js';
export * from './state.js';
export * from './vote.js';
