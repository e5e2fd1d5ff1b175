/**
 * Policy resolution: BindingPolicy + workload objects + clusters -> Binding (what and where).
 * Pure and in-memory; must not import the space, the kube client or anything doing I/O.
 */
export * from './labelselector.js';
export * from './objectid.js';
export * from './universe.js';
export * from './match.js';
export * from './binding.js';
export * from './policy-status.js';
export * from './resolver.js';
