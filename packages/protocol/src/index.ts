export * from './live.js';
export * from './report.js';
export * from './dashboard.js';
export * from './ingest.js';
export * from './limits.js';
export * from './usage.js';
export * from './health.js';
export * from './token.js';
