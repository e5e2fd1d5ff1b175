/**
 * Kubernetes client helpers over @kubernetes/client-node: kubeconfig loading, a dynamic client,
 * discovery, the list/watch loop, label selectors, errors and client-side rate limiting.
 * The only module that imports client-node. Depends on `api` only (never on `space`).
 */
export * from './errors.js';
export * from './kubeconfig.js';
export * from './rate-limiter.js';
export * from './rest.js';
export * from './dynamic.js';
export * from './discovery.js';
export * from './reflector.js';
export * from './selectors.js';
export * from './backoff.js';
