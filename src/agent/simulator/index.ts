/** Workload status simulator for embedded WECs (pure; the I/O layer writes the statuses). */
export * from './common.js';
export * from './simulate.js';
export { replicaSetName } from './workloads.js';
export { completionsOf } from './job.js';
export { podIP, qosClass } from './pod.js';
export { loadBalancerIP } from './service.js';
