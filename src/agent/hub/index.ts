/** The hub (ITS) side of registration: accepting clusters, their namespaces, leases and sets. */
export * from './hub-controller.js';
