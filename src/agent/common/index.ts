/** Helpers shared by the agent's pure modules (no I/O). */
export * from './json.js';
export * from './time.js';
export * from './conditions.js';
