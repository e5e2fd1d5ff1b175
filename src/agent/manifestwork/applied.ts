/**
 * The AppliedManifestWork on the WEC (provisioning.md §2.5): its name and object, the
 * `status.appliedResources` bookkeeping, and the eviction decision for works the hub forgot.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/meta.js';
import { WORK_API_VERSION } from '../../api/constants.js';
import type {
  AppliedManifestResourceMeta,
  AppliedManifestWork,
  AppliedManifestWorkStatus,
  ManifestWork,
} from '../../api/ocm.js';
import { jsonEqual } from '../common/json.js';
import { parseTime, rfc3339, toMs, type Instant } from '../common/time.js';
import { APPLIED_MANIFEST_WORK_FINALIZER, DEFAULT_EVICTION_GRACE_MS } from './constants.js';
import { resourceKey } from './identity.js';
import type { WorkPlan } from './plan.js';

/** Lowercase hex SHA-256 of the hub API server URL exactly as the agent's hub kubeconfig has it. */
export function hubHash(hubServerUrl: string): string {
  return createHash('sha256').update(hubServerUrl).digest('hex');
}

/** `<hubHash>-<manifestwork name>`. */
export const appliedWorkName = (hash: string, workName: string): string => `${hash}-${workName}`;

/**
 * The AppliedManifestWork to create for `work`. `agentID` defaults to the hub hash, as OCM does
 * when no `--agent-id` is given. Labels are copied from the work (OCM ≥ v1.1.0 behaviour).
 */
export function buildAppliedManifestWork(
  work: ManifestWork,
  hash: string,
  agentID?: string,
): AppliedManifestWork {
  const metadata: AppliedManifestWork['metadata'] = {
    name: appliedWorkName(hash, work.metadata.name ?? ''),
    finalizers: [APPLIED_MANIFEST_WORK_FINALIZER],
  };
  if (work.metadata.labels && Object.keys(work.metadata.labels).length)
    metadata.labels = { ...work.metadata.labels };
  return {
    apiVersion: WORK_API_VERSION,
    kind: 'AppliedManifestWork',
    metadata,
    spec: { hubHash: hash, manifestWorkName: work.metadata.name ?? '', agentID: agentID || hash },
  };
}

const compareApplied = (a: AppliedManifestResourceMeta, b: AppliedManifestResourceMeta): number => {
  const ka = `${resourceKey(a)}/${a.version}/${a.uid ?? ''}`;
  const kb = `${resourceKey(b)}/${b.version}/${b.uid ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** One appliedResources entry; group and namespace are always present, as in OCM's JSON. */
export function appliedMeta(
  id: { group: string; version: string; resource: string; namespace: string; name: string },
  uid: string | undefined,
): AppliedManifestResourceMeta {
  const out: AppliedManifestResourceMeta = {
    group: id.group,
    version: id.version,
    resource: id.resource,
    namespace: id.namespace,
    name: id.name,
  };
  if (uid) out.uid = uid;
  return out;
}

/**
 * The objects of the work that exist on the WEC (only those count as applied), sorted.
 * `liveOf(ordinal)` gives the object read back after applying (undefined = not found).
 */
export function appliedResourcesOf(
  plan: WorkPlan,
  liveOf: (ordinal: number) => KObject | undefined,
): AppliedManifestResourceMeta[] {
  const out: AppliedManifestResourceMeta[] = [];
  const seen = new Set<string>();
  for (const p of plan.manifests) {
    if (!p.id) continue;
    const live = liveOf(p.ordinal);
    if (!live || seen.has(resourceKey(p.id))) continue;
    seen.add(resourceKey(p.id));
    out.push(appliedMeta(p.id, live.metadata?.uid));
  }
  return out.sort(compareApplied);
}

/**
 * The next AppliedManifestWork status: what the work applies now plus dropped objects whose
 * removal is still in progress (so a restart does not forget them); the eviction stamp is kept.
 */
export function nextAppliedWorkStatus(
  prev: AppliedManifestWorkStatus | undefined,
  current: readonly AppliedManifestResourceMeta[],
  pendingRemoval: readonly AppliedManifestResourceMeta[] = [],
): { status: AppliedManifestWorkStatus; changed: boolean } {
  const byKey = new Map<string, AppliedManifestResourceMeta>();
  for (const r of [...current, ...pendingRemoval])
    if (!byKey.has(resourceKey(r))) byKey.set(resourceKey(r), r);
  const status: AppliedManifestWorkStatus = { appliedResources: [...byKey.values()].sort(compareApplied) };
  if (prev?.evictionStartTime) status.evictionStartTime = prev.evictionStartTime;
  const before: AppliedManifestWorkStatus = { appliedResources: prev?.appliedResources ?? [] };
  if (prev?.evictionStartTime) before.evictionStartTime = prev.evictionStartTime;
  return { status, changed: !jsonEqual(before, status) };
}

export type EvictionDecision =
  /** Not this agent's AppliedManifestWork. */
  | { action: 'ignore' }
  | { action: 'keep'; requeueAfterMs?: number }
  /** Set `status.evictionStartTime` to `time`. */
  | { action: 'stamp'; time: string; requeueAfterMs?: number }
  /** The work came back: clear `status.evictionStartTime`. */
  | { action: 'clear' }
  /** Grace period over: delete the AppliedManifestWork (and thus its objects). */
  | { action: 'evict' };

export interface EvictionInput {
  amw: AppliedManifestWork;
  /** Current hub hash and agent id. */
  hubHash: string;
  agentID: string;
  /** Whether the ManifestWork named by `spec.manifestWorkName` exists on the hub. */
  workExists: boolean;
  now: Instant;
  /** Default 60 min; Infinity (or ≥ 100 years, as OCM) disables eviction. */
  graceMs?: number;
}

const HUNDRED_YEARS_MS = 100 * 365 * 24 * 3600 * 1000;

/** OCM's eviction rule for AppliedManifestWorks whose ManifestWork is gone or whose hub URL changed. */
export function evictionDecision(input: EvictionInput): EvictionDecision {
  const { amw } = input;
  if ((amw.spec?.agentID ?? '') !== input.agentID) return { action: 'ignore' };
  const stale = !input.workExists || !(amw.metadata.name ?? '').startsWith(`${input.hubHash}-`);
  const stamped = parseTime(amw.status?.evictionStartTime);
  if (!stale)
    return stamped !== undefined || amw.status?.evictionStartTime ? { action: 'clear' } : { action: 'keep' };
  const grace = input.graceMs ?? DEFAULT_EVICTION_GRACE_MS;
  const disabled = !Number.isFinite(grace) || grace >= HUNDRED_YEARS_MS;
  const now = toMs(input.now);
  if (stamped === undefined)
    return disabled
      ? { action: 'stamp', time: rfc3339(now) }
      : { action: 'stamp', time: rfc3339(now), requeueAfterMs: grace };
  if (disabled) return { action: 'keep' };
  const left = stamped + grace - now;
  return left <= 0 ? { action: 'evict' } : { action: 'keep', requeueAfterMs: left };
}
