/**
 * Pure parts of the OCM work agent: apply planning, per-object write decisions, the
 * AppliedManifestWork bookkeeping, status feedback and the ManifestWork status.
 */
export * from './constants.js';
export * from './identity.js';
export * from './plan.js';
export * from './apply.js';
export * from './applied.js';
export * from './feedback.js';
export * from './health.js';
export * from './status.js';
