/**
 * ClusterClaims (provisioning.md §2.8): cluster-scoped facts on the WEC that the registration
 * agent copies into `ManagedCluster.status.clusterClaims` — reserved claims always, then at most
 * 20 others, each group sorted by name; claims labelled spoke-only stay on the WEC.
 */
import type { KObject } from '../../api/meta.js';
import { OCM_CLUSTER_GROUP } from '../../api/constants.js';

export const CLAIM_ID = 'id.k8s.io';
export const CLAIM_KUBE_VERSION = 'kubeversion.open-cluster-management.io';
export const CLAIM_PLATFORM = 'platform.open-cluster-management.io';
export const CLAIM_PRODUCT = 'product.open-cluster-management.io';
export const RESERVED_CLAIMS: readonly string[] = [
  CLAIM_ID,
  CLAIM_KUBE_VERSION,
  CLAIM_PLATFORM,
  CLAIM_PRODUCT,
];
export const SPOKE_ONLY_LABEL = 'open-cluster-management.io/spoke-only';
export const DEFAULT_MAX_CUSTOM_CLAIMS = 20;

export interface ClusterClaim {
  name: string;
  value: string;
}

/** A ClusterClaim object for the WEC (`cluster.open-cluster-management.io/v1alpha1`). */
export function buildClusterClaimObject(claim: ClusterClaim): KObject {
  return {
    apiVersion: `${OCM_CLUSTER_GROUP}/v1alpha1`,
    kind: 'ClusterClaim',
    metadata: { name: claim.name },
    spec: { value: claim.value },
  };
}

/** Claims from ClusterClaim objects, leaving out spoke-only ones and empty values. */
export function claimsFromObjects(objs: readonly KObject[]): ClusterClaim[] {
  return objs
    .filter(
      (o) =>
        o.metadata?.labels?.[SPOKE_ONLY_LABEL] === undefined &&
        typeof o.spec?.value === 'string' &&
        o.spec.value,
    )
    .map((o) => ({ name: o.metadata?.name ?? '', value: o.spec.value as string }))
    .filter((c) => c.name);
}

/** The claims kstellar publishes for a WEC it registers (OCM itself creates none). */
export function defaultClaims(input: {
  clusterId: string;
  kubeVersion?: string;
  platform?: string;
  product?: string;
}): ClusterClaim[] {
  const out: ClusterClaim[] = [{ name: CLAIM_ID, value: input.clusterId }];
  if (input.kubeVersion) out.push({ name: CLAIM_KUBE_VERSION, value: input.kubeVersion });
  if (input.platform) out.push({ name: CLAIM_PLATFORM, value: input.platform });
  if (input.product) out.push({ name: CLAIM_PRODUCT, value: input.product });
  return out;
}

export interface ClaimOptions {
  /** `--reserved-cluster-claim-suffixes`: names ending in one of these count as reserved. */
  reservedSuffixes?: readonly string[];
  /** `--max-custom-cluster-claims` (default 20). */
  maxCustom?: number;
}

/** `status.clusterClaims`: reserved claims, then up to `maxCustom` others; names unique, sorted. */
export function clusterClaimsStatus(
  claims: readonly ClusterClaim[],
  opts: ClaimOptions = {},
): ClusterClaim[] {
  const unique = new Map<string, ClusterClaim>();
  for (const c of claims)
    if (c.name && !unique.has(c.name)) unique.set(c.name, { name: c.name, value: c.value });
  const isReserved = (n: string) =>
    RESERVED_CLAIMS.includes(n) || (opts.reservedSuffixes ?? []).some((s) => s && n.endsWith(s));
  const byName = (a: ClusterClaim, b: ClusterClaim) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const all = [...unique.values()];
  const reserved = all.filter((c) => isReserved(c.name)).sort(byName);
  const custom = all
    .filter((c) => !isReserved(c.name))
    .sort(byName)
    .slice(0, opts.maxCustom ?? DEFAULT_MAX_CUSTOM_CLAIMS);
  return [...reserved, ...custom];
}
