export * from './snapshot-id.js';
export * from './snapshotter.js';
