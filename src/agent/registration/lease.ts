/**
 * The cluster heartbeat (provisioning.md §2.6): Lease `managed-cluster-lease` in the cluster's
 * namespace on the hub, renewed by the agent every leaseDurationSeconds (+ up to 25 % jitter);
 * the hub calls the cluster unavailable after 5 × leaseDurationSeconds without renewal.
 */
import type { KObject } from '../../api/meta.js';
import { parseTime, rfc3339Micro, toMs, type Instant } from '../common/time.js';

export const CLUSTER_LEASE_NAME = 'managed-cluster-lease';
/** Label OCM puts on the cluster's namespace, lease, CSRs and hub RBAC (not on the ManagedCluster). */
export const CLUSTER_NAME_LABEL = 'open-cluster-management.io/cluster-name';
export const DEFAULT_LEASE_DURATION_SECONDS = 60;
/** The hub's grace: a lease older than this many durations means the agent stopped. */
export const LEASE_GRACE_MULTIPLIER = 5;

export interface Lease extends KObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
}

/** `spec.leaseDurationSeconds` of a ManagedCluster with OCM's defaulting (absent or 0 ⇒ 60). */
export function leaseDurationOf(mc: { spec?: { leaseDurationSeconds?: number } }): number {
  const d = mc.spec?.leaseDurationSeconds;
  return typeof d === 'number' && d > 0 ? d : DEFAULT_LEASE_DURATION_SECONDS;
}

/** The Lease the hub creates for a cluster, renewed now. */
export function buildClusterLease(cluster: string, now: Instant): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: CLUSTER_LEASE_NAME, namespace: cluster, labels: { [CLUSTER_NAME_LABEL]: cluster } },
    spec: { holderIdentity: CLUSTER_LEASE_NAME, renewTime: rfc3339Micro(now) },
  };
}

/** Merge patch renewing a lease. */
export const renewLeasePatch = (now: Instant) => ({ spec: { renewTime: rfc3339Micro(now) } });

/** Epoch ms of the lease's last renewal. */
export const leaseRenewTime = (lease: { spec?: { renewTime?: string } } | undefined): number | undefined =>
  parseTime(lease?.spec?.renewTime);

/** Delay until the next renewal: the lease duration plus `jitter` ∈ [0,1) × 25 %. */
export function nextRenewDelayMs(leaseDurationSeconds: number, jitter = 0): number {
  return Math.round(leaseDurationSeconds * 1000 * (1 + 0.25 * Math.min(Math.max(jitter, 0), 1)));
}

/** Milliseconds until the hub would consider the lease stopped (≤ 0: already). */
export function leaseTimeLeftMs(renewTime: Instant, now: Instant, leaseDurationSeconds: number): number {
  return toMs(renewTime) + LEASE_GRACE_MULTIPLIER * leaseDurationSeconds * 1000 - toMs(now);
}
