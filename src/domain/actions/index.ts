export * from './alternatives.js';
export * from './execute.js';
export * from './relogin.js';
export * from './target.js';
export * from './types.js';
export * from './verify.js';
