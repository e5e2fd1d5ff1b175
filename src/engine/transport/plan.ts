/**
 * What the transport must write for one Binding (kubestellar-semantics.md §3.2 steps 3, 5-7, §3.9):
 * the difference between the ManifestWorks that exist and those desired, and the Binding status.
 */
import type { Binding, BindingStatus } from '../../api/control.js';
import type { ManifestWork } from '../../api/ocm.js';
import { CONTENT_HASH_ANNOTATION, ORIGIN_BINDING_LABEL, ORIGIN_WDS_LABEL } from '../../api/constants.js';
import { mergeBindingStatus } from '../binding/policy-status.js';

export interface WorkRef {
  namespace: string;
  name: string;
}

export interface WorkPlan {
  create: ManifestWork[];
  /** Desired works carrying the existing resourceVersion and finalizers, ready for an update. */
  update: ManifestWork[];
  delete: WorkRef[];
  /** Desired works whose old copy is still being deleted: retry the Binding later. */
  pending: WorkRef[];
  unchanged: number;
}

/** Label selector of a Binding's works in the ITS (all namespaces). */
export function bindingWorksSelector(bindingName: string, wdsName: string): string {
  return `${ORIGIN_BINDING_LABEL}=${bindingName},${ORIGIN_WDS_LABEL}=${wdsName}`;
}

const refKey = (w: { metadata: { namespace?: string; name?: string } }) =>
  `${w.metadata.namespace ?? ''}/${w.metadata.name ?? ''}`;

/** True when `existing` already has the desired content (same content hash and labels). */
export function workUpToDate(existing: ManifestWork, desired: ManifestWork): boolean {
  const hash = existing.metadata.annotations?.[CONTENT_HASH_ANNOTATION];
  if (!hash || hash !== desired.metadata.annotations?.[CONTENT_HASH_ANNOTATION]) return false;
  const a = existing.metadata.labels ?? {};
  const b = desired.metadata.labels ?? {};
  return Object.entries(b).every(([k, v]) => a[k] === v);
}

/** The desired work as an update of `existing`: keeps resourceVersion, finalizers and foreign labels. */
export function mergeForUpdate(existing: ManifestWork, desired: ManifestWork): ManifestWork {
  const out = structuredClone(desired);
  if (existing.metadata.resourceVersion) out.metadata.resourceVersion = existing.metadata.resourceVersion;
  if (existing.metadata.finalizers?.length) out.metadata.finalizers = [...existing.metadata.finalizers];
  out.metadata.labels = { ...(existing.metadata.labels ?? {}), ...(desired.metadata.labels ?? {}) };
  out.metadata.annotations = {
    ...(existing.metadata.annotations ?? {}),
    ...(desired.metadata.annotations ?? {}),
  };
  return out;
}

/**
 * Plans the writes. `desired` undefined means "the Binding has errors": nothing is created,
 * updated or deleted, so WECs keep their previous state ([IMPROVE] §3.2 step 7, §5.3; upstream
 * deletes every work). For a deleted Binding pass `desired = []`: every listed work is deleted,
 * whatever its namespace ([IMPROVE] §3.9).
 */
export function planWorkSync(
  existing: readonly ManifestWork[],
  desired: readonly ManifestWork[] | undefined,
): WorkPlan {
  const plan: WorkPlan = { create: [], update: [], delete: [], pending: [], unchanged: 0 };
  if (!desired) return plan;
  const current = new Map(existing.map((w) => [refKey(w), w]));
  for (const d of desired) {
    const e = current.get(refKey(d));
    current.delete(refKey(d));
    if (!e) plan.create.push(d);
    else if (e.metadata.deletionTimestamp)
      plan.pending.push({ namespace: d.metadata.namespace ?? '', name: d.metadata.name ?? '' });
    else if (workUpToDate(e, d)) plan.unchanged++;
    else plan.update.push(mergeForUpdate(e, d));
  }
  for (const w of current.values())
    plan.delete.push({ namespace: w.metadata.namespace ?? '', name: w.metadata.name ?? '' });
  plan.delete.sort((a, b) => (refKey({ metadata: a }) < refKey({ metadata: b }) ? -1 : 1));
  return plan;
}

/**
 * The Binding status the transport wants after processing (§3.2 step 5), merged with the
 * existing conditions ([IMPROVE] §1.2); undefined when no write is needed.
 */
export function transportBindingStatus(
  binding: Binding,
  errors: readonly string[],
): BindingStatus | undefined {
  const generation = binding.metadata.generation ?? 0;
  const cur = binding.status;
  const sameErrors =
    (cur?.errors ?? []).length === errors.length && (cur?.errors ?? []).every((e, i) => e === errors[i]);
  if (cur && cur.observedGeneration === generation && sameErrors) return undefined;
  return mergeBindingStatus(cur, { observedGeneration: generation, errors: [...errors] });
}
