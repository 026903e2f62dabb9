export * from './live.js';
export * from './report.js';
