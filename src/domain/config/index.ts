export * from './blocks.js';
export * from './diff.js';
export * from './fingerprint.js';
export * from './mask.js';
export * from './plan.js';
