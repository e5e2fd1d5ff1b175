/**
 * The ManagedCluster a WEC registers with (provisioning.md §2.6, §2.10, §5.4) and its status
 * conditions: HubAcceptedManagedCluster, ManagedClusterJoined and
 * ManagedClusterConditionAvailable, with OCM's reasons. Also the hub-side namespace acceptance
 * creates. Pure: the I/O layer reads the lease and the WEC's health and writes the results.
 */
import type { Condition, KObject } from '../../api/meta.js';
import { MANAGED_CLUSTER_API_VERSION } from '../../api/constants.js';
import type { ClientConfig, ManagedCluster, ManagedClusterStatus, Taint } from '../../api/ocm.js';
import { ManagedClusterConditions as MC } from '../../api/ocm.js';
import { settle, type ConditionInput } from '../common/conditions.js';
import { jsonEqual } from '../common/json.js';
import { parseTime, toMs, type Instant } from '../common/time.js';
import { clusterClaimsStatus, type ClaimOptions, type ClusterClaim } from './claims.js';
import { CLUSTER_NAME_LABEL, leaseDurationOf, leaseTimeLeftMs } from './lease.js';

export const CLUSTER_SET_LABEL = 'cluster.open-cluster-management.io/clusterset';
export const DEFAULT_CLUSTER_SET = 'default';
/** The only annotation prefix the agent accepts from `--cluster-annotations`. */
export const AGENT_ANNOTATION_PREFIX = 'agent.open-cluster-management.io/';

export const ManagedClusterReasons = {
  Accepted: 'HubClusterAdminAccepted',
  Denied: 'HubClusterAdminDenied',
  Joined: 'ManagedClusterJoined',
  Available: 'ManagedClusterAvailable',
  ApiServerUnavailable: 'ManagedClusterKubeAPIServerUnavailable',
  LeaseStopped: 'ManagedClusterLeaseUpdateStopped',
} as const;

export interface ManagedClusterInput {
  name: string;
  /** User labels; KubeStellar selects WECs on these (e.g. `location-group=edge`). */
  labels?: Record<string, string>;
  /** Only `agent.open-cluster-management.io/*` keys are kept, as the agent does. */
  annotations?: Record<string, string>;
  hubAcceptsClient?: boolean;
  /** Default 60. */
  leaseDurationSeconds?: number;
  /** The WEC's API server URLs (https) as the hub should reach it. */
  clientConfigs?: ClientConfig[];
  taints?: Taint[];
  /**
   * Value of the cluster-set label the hub's webhook would default; `null` leaves it out.
   * Default `default` (our hubs run no webhooks, so the agent fills it in).
   */
  clusterSet?: string | null;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The checks OCM's webhook applies to a new ManagedCluster; empty when valid. */
export function validateManagedClusterInput(input: ManagedClusterInput): string[] {
  const errors: string[] = [];
  if (!DNS1123_LABEL.test(input.name) || input.name.length > 63)
    errors.push(
      `cluster name ${JSON.stringify(input.name)} is not a valid namespace name (DNS-1123 label, at most 63 characters)`,
    );
  for (const c of input.clientConfigs ?? []) {
    let ok = false;
    try {
      ok = new URL(c.url).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) errors.push(`managedClusterClientConfigs url ${JSON.stringify(c.url)} is not a valid https URL`);
  }
  if (
    input.leaseDurationSeconds !== undefined &&
    (!Number.isInteger(input.leaseDurationSeconds) || input.leaseDurationSeconds < 0)
  )
    errors.push('leaseDurationSeconds must be a non-negative integer');
  return errors;
}

/** The ManagedCluster object the agent creates (unaccepted unless `hubAcceptsClient`). */
export function buildManagedCluster(input: ManagedClusterInput): ManagedCluster {
  const labels: Record<string, string> = { ...(input.labels ?? {}) };
  const set = input.clusterSet === undefined ? DEFAULT_CLUSTER_SET : input.clusterSet;
  if (set !== null && !labels[CLUSTER_SET_LABEL]) labels[CLUSTER_SET_LABEL] = set;
  const annotations = Object.fromEntries(
    Object.entries(input.annotations ?? {}).filter(([k]) => k.startsWith(AGENT_ANNOTATION_PREFIX)),
  );
  const mc: ManagedCluster = {
    apiVersion: MANAGED_CLUSTER_API_VERSION,
    kind: 'ManagedCluster',
    metadata: { name: input.name, labels },
    spec: {
      hubAcceptsClient: input.hubAcceptsClient ?? false,
      leaseDurationSeconds: input.leaseDurationSeconds || 60,
    },
  };
  if (Object.keys(annotations).length) mc.metadata.annotations = annotations;
  if (input.clientConfigs?.length)
    mc.spec!.managedClusterClientConfigs = input.clientConfigs.map((c) => ({ ...c }));
  if (input.taints?.length) mc.spec!.taints = input.taints.map((t) => ({ ...t }));
  return mc;
}

/** Client configs merged by URL (existing order kept, new URLs appended), as the agent does. */
export function mergeClientConfigs(
  existing: readonly ClientConfig[] | undefined,
  wanted: readonly ClientConfig[],
): ClientConfig[] {
  const out = (existing ?? []).map((c) => ({ ...c }));
  for (const w of wanted) {
    const i = out.findIndex((c) => c.url === w.url);
    if (i < 0) out.push({ ...w });
    else if (w.caBundle !== undefined) out[i] = { ...out[i], caBundle: w.caBundle };
  }
  return out;
}

export interface ClusterStatusInput {
  now: Instant;
  /** The hub lease's renewTime; absent when no lease exists yet (it is created renewed). */
  leaseRenewTime?: Instant | string;
  /** Whether the WEC's `/livez` (or `/healthz`) answered 200. Default true. */
  apiServerHealthy?: boolean;
  /** Detail for an unhealthy API server (status code, error). */
  apiServerMessage?: string;
  kubeVersion?: string;
  claims?: readonly ClusterClaim[];
  claimOptions?: ClaimOptions;
  capacity?: Record<string, string | number>;
  allocatable?: Record<string, string | number>;
}

export interface ClusterStatusResult {
  status: ManagedClusterStatus;
  changed: boolean;
  /** When the Available condition would next change by itself (lease expiry). */
  requeueAfterMs?: number;
}

const OURS = new Set<string>([MC.HubAccepted, MC.Joined, MC.Available]);

/**
 * The ManagedCluster status: the three registration conditions, version, claims and resources.
 * Conditions of other writers (ClockSynced, Deleting, …) are kept after ours.
 */
export function managedClusterStatus(mc: ManagedCluster, input: ClusterStatusInput): ClusterStatusResult {
  const prev = mc.status?.conditions ?? [];
  const accepted = mc.spec?.hubAcceptsClient === true;
  const wanted: ConditionInput[] = [];
  let requeueAfterMs: number | undefined;
  const prevOf = (type: string) => prev.find((c) => c.type === type);
  const keep = (c: Condition): ConditionInput => ({
    type: c.type,
    status: c.status as ConditionInput['status'],
    reason: c.reason,
    message: c.message,
  });

  if (accepted)
    wanted.push({
      type: MC.HubAccepted,
      status: 'True',
      reason: ManagedClusterReasons.Accepted,
      message: 'Accepted by hub cluster admin',
    });
  else if (prevOf(MC.HubAccepted))
    wanted.push({
      type: MC.HubAccepted,
      status: 'False',
      reason: ManagedClusterReasons.Denied,
      message: 'Denied by hub cluster admin',
    });

  if (accepted) {
    wanted.push({
      type: MC.Joined,
      status: 'True',
      reason: ManagedClusterReasons.Joined,
      message: 'Managed cluster joined',
    });
    const renew =
      typeof input.leaseRenewTime === 'string'
        ? parseTime(input.leaseRenewTime)
        : input.leaseRenewTime !== undefined
          ? toMs(input.leaseRenewTime)
          : undefined;
    const left = renew === undefined ? Infinity : leaseTimeLeftMs(renew, input.now, leaseDurationOf(mc));
    if (left <= 0)
      wanted.push({
        type: MC.Available,
        status: 'Unknown',
        reason: ManagedClusterReasons.LeaseStopped,
        message: 'Registration agent stopped updating its lease.',
      });
    else if (input.apiServerHealthy === false)
      wanted.push({
        type: MC.Available,
        status: 'False',
        reason: ManagedClusterReasons.ApiServerUnavailable,
        message: `The kube-apiserver is not ok${input.apiServerMessage ? `: ${input.apiServerMessage}` : ''}`,
      });
    else {
      wanted.push({
        type: MC.Available,
        status: 'True',
        reason: ManagedClusterReasons.Available,
        message: 'Managed cluster is available',
      });
      if (Number.isFinite(left)) requeueAfterMs = left;
    }
  } else {
    // Not accepted (any more): the agent has no hub credentials, so nothing new is reported.
    for (const t of [MC.Joined, MC.Available]) {
      const c = prevOf(t);
      if (c) wanted.push(keep(c));
    }
  }

  const conditions = [
    ...wanted.map((c) => settle(prev, c, input.now)),
    ...prev.filter((c) => !OURS.has(c.type)),
  ];
  const status: ManagedClusterStatus = { ...(mc.status ?? {}), conditions };
  if (input.kubeVersion) status.version = { kubernetes: input.kubeVersion };
  if (input.claims) status.clusterClaims = clusterClaimsStatus(input.claims, input.claimOptions);
  if (input.capacity) status.capacity = { ...(mc.status?.capacity ?? {}), ...input.capacity };
  if (input.allocatable) status.allocatable = { ...input.allocatable };
  const result: ClusterStatusResult = { status, changed: !jsonEqual(mc.status ?? {}, status) };
  if (requeueAfterMs !== undefined) result.requeueAfterMs = requeueAfterMs;
  return result;
}

/** True when the cluster is accepted, joined and available (what `kstellar wec register` waits for). */
export function clusterReady(mc: ManagedCluster): boolean {
  const c = mc.status?.conditions ?? [];
  const t = (type: string) => c.find((x) => x.type === type)?.status === 'True';
  return mc.spec?.hubAcceptsClient === true && t(MC.HubAccepted) && t(MC.Joined) && t(MC.Available);
}

/** The hub namespace acceptance creates for a cluster (kept when acceptance is revoked). */
export function hubClusterNamespace(cluster: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: cluster, labels: { [CLUSTER_NAME_LABEL]: cluster } },
  };
}
