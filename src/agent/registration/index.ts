/** Pure parts of cluster registration: ManagedCluster, its status, the lease and claims. */
export * from './managedcluster.js';
export * from './lease.js';
export * from './claims.js';
export * from './quantity.js';
