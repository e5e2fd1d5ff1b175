/**
 * The engine's runtime: informers (list + watch caches with indexes), dynamically started
 * informer sets, work queues with rate-limited retries, level-based controllers, Lease-based
 * leader election and a Manager that runs them. Talks to spaces only through `kube`; must not
 * import `space`.
 */
export * from './clock.js';
export * from './work-queue.js';
export * from './cache.js';
export * from './informer.js';
export * from './dynamic-informers.js';
export * from './controller.js';
export * from './leader-elector.js';
export * from './manager.js';
