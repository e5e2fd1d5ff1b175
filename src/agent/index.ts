/**
 * The KubeStellar/OCM agent's pure core. Each part is a namespace so names stay unambiguous:
 * `work` (ManifestWork apply planning and status), `simulator` (workload status for WECs without
 * controllers), `status` (WorkStatus objects), `registration` (ManagedCluster, lease, claims).
 * No I/O here: informers, queues and clients live in the I/O layer built on top.
 */
export * as work from './manifestwork/index.js';
export * as simulator from './simulator/index.js';
export * as status from './status/index.js';
export * as registration from './registration/index.js';
export * as common from './common/index.js';
