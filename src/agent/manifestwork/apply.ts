/**
 * Per-object write decisions of the work agent (provisioning.md §2.2 updateStrategy, §2.5
 * ownership and deletion): given a planned manifest and the live WEC object, what request to send.
 * The caller performs it; nothing here does I/O.
 */
import { createHash } from 'node:crypto';
import type { KObject, OwnerReference } from '../../api/meta.js';
import { WORK_API_VERSION } from '../../api/constants.js';
import type { IgnoreField } from '../../api/ocm.js';
import { canonicalJson, clone, isObject, isSubset, jsonEqual } from '../common/json.js';
import { CONFIG_SPEC_HASH_ANNOTATION } from './constants.js';
import type { ManifestPlan, ManifestWait, RemovalStep } from './plan.js';

/** The AppliedManifestWork that owns what a work applies. */
export interface AppliedWorkRef {
  name: string;
  uid: string;
}

/** A plain (non-controller) ownerReference to the AppliedManifestWork, as OCM sets it. */
export function appliedWorkOwnerReference(amw: AppliedWorkRef): OwnerReference {
  return { apiVersion: WORK_API_VERSION, kind: 'AppliedManifestWork', name: amw.name, uid: amw.uid };
}

/** A JSON merge patch of metadata; `resourceVersion` in it acts as a precondition. */
export type MergePatch = { metadata: Record<string, unknown> };

export type ApplyAction =
  /** POST the object. */
  | { type: 'create'; object: KObject }
  /** PUT the object (carries the live resourceVersion). */
  | { type: 'update'; object: KObject }
  /** JSON merge patch (CreateOnly: only ownerReferences change). */
  | { type: 'patch'; patch: MergePatch }
  /** Server-side apply (PATCH application/apply-patch+yaml). */
  | { type: 'apply'; object: KObject; fieldManager: string; force: boolean }
  /** Nothing to write (up to date, or ReadOnly). */
  | { type: 'none' }
  /** Not yet: a namespace or CRD is missing. */
  | { type: 'wait'; message: string }
  | { type: 'error'; message: string };

export interface ApplyOptions {
  /**
   * Write even when the live object already has every field of the manifest. Pass true when the
   * work's generation changed since it was last applied, so fields removed from a manifest are
   * removed on the WEC too; on periodic resyncs leave it false to avoid no-op writes (server
   * defaults make a strict comparison always differ).
   */
  forceUpdate?: boolean;
}

/** The error text Kubernetes would give for a missing dependency; used in conditions. */
export function waitMessage(wait: ManifestWait): string {
  if (wait.reason === 'NamespaceMissing') return `namespaces "${wait.namespace}" not found`;
  return `no matches for kind "${wait.kind}" in version "${wait.apiVersion}"`;
}

/** Owner list with ours added (owned) or removed (not owned); other owners untouched, order kept. */
export function reconcileOwners(
  existing: readonly OwnerReference[] | undefined,
  wanted: readonly OwnerReference[] | undefined,
  ours: OwnerReference,
  owned: boolean,
): OwnerReference[] {
  const out = (existing ?? []).filter((r) => owned || r.uid !== ours.uid).map((r) => ({ ...r }));
  for (const r of [...(wanted ?? []), ...(owned ? [ours] : [])])
    if (!out.some((o) => o.uid === r.uid)) out.push({ ...r });
  return out;
}

/** library-go MergeMap: desired keys win; a desired key ending in "-" removes that key. */
function mergeMap(
  existing: Record<string, string> | undefined,
  desired: Record<string, string> | undefined,
): Record<string, string> {
  const out = { ...(existing ?? {}) };
  for (const [k, v] of Object.entries(desired ?? {})) {
    if (k.endsWith('-')) delete out[k.slice(0, -1)];
    else out[k] = v;
  }
  return out;
}

const withoutMetaAndStatus = (o: KObject): KObject => {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
};

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  jsonEqual(a ?? {}, b ?? {});

/** Decides the write for one planned manifest given the live WEC object (undefined = absent). */
export function decideApply(
  step: ManifestPlan,
  live: KObject | undefined,
  owner: AppliedWorkRef,
  opts: ApplyOptions = {},
): ApplyAction {
  if (step.error) return { type: 'error', message: step.error };
  if (step.wait) return { type: 'wait', message: waitMessage(step.wait) };
  const ours = appliedWorkOwnerReference(owner);
  const desired = step.desired;
  switch (step.strategy.type) {
    case 'ReadOnly':
      return { type: 'none' };
    case 'ServerSideApply':
      return decideServerSideApply(step, live, ours);
    case 'CreateOnly': {
      if (!live) return { type: 'create', object: withOwners(desired, ours, step.owned) };
      const owners = reconcileOwners(live.metadata?.ownerReferences, undefined, ours, step.owned);
      if (jsonEqual(owners, live.metadata?.ownerReferences ?? [])) return { type: 'none' };
      return {
        type: 'patch',
        patch: {
          metadata: {
            ownerReferences: owners.length ? owners : null,
            resourceVersion: live.metadata?.resourceVersion,
          },
        },
      };
    }
    default: {
      if (!live) return { type: 'create', object: withOwners(desired, ours, step.owned) };
      const lm = live.metadata ?? {};
      const labels = mergeMap(lm.labels, desired.metadata?.labels);
      const annotations = mergeMap(lm.annotations, desired.metadata?.annotations);
      const owners = reconcileOwners(lm.ownerReferences, desired.metadata?.ownerReferences, ours, step.owned);
      const metaChanged =
        !sameMap(labels, lm.labels) ||
        !sameMap(annotations, lm.annotations) ||
        !jsonEqual(owners, lm.ownerReferences ?? []);
      if (
        !metaChanged &&
        !opts.forceUpdate &&
        isSubset(withoutMetaAndStatus(desired), withoutMetaAndStatus(live))
      )
        return { type: 'none' };
      const object = clone(desired);
      object.metadata = { ...(object.metadata ?? {}), labels, annotations, ownerReferences: owners };
      if (!Object.keys(labels).length) delete object.metadata.labels;
      if (!Object.keys(annotations).length) delete object.metadata.annotations;
      if (!owners.length) delete object.metadata.ownerReferences;
      if (lm.finalizers?.length) object.metadata.finalizers = [...lm.finalizers];
      else delete object.metadata.finalizers;
      if (lm.resourceVersion) object.metadata.resourceVersion = lm.resourceVersion;
      return { type: 'update', object };
    }
  }
}

function withOwners(desired: KObject, ours: OwnerReference, owned: boolean): KObject {
  const out = clone(desired);
  const owners = reconcileOwners(undefined, desired.metadata?.ownerReferences, ours, owned);
  out.metadata = { ...(out.metadata ?? {}) };
  if (owners.length) out.metadata.ownerReferences = owners;
  else delete out.metadata.ownerReferences;
  return out;
}

function decideServerSideApply(
  step: ManifestPlan,
  live: KObject | undefined,
  ours: OwnerReference,
): ApplyAction {
  let object = withOwners(step.desired, ours, step.owned);
  const ignore = step.strategy.ignoreFields;
  if (ignore?.length) {
    object = stripIgnoredFields(object, ignore);
    const hash = configSpecHash(object);
    if (live?.metadata?.annotations?.[CONFIG_SPEC_HASH_ANNOTATION] === hash) return { type: 'none' };
    object.metadata = {
      ...object.metadata,
      annotations: { ...(object.metadata?.annotations ?? {}), [CONFIG_SPEC_HASH_ANNOTATION]: hash },
    };
  }
  return {
    type: 'apply',
    object,
    fieldManager: step.strategy.fieldManager ?? 'work-agent',
    force: !!step.strategy.force,
  };
}

/** Hash of an SSA manifest (after removing OnSpokePresent fields), stored on the applied object. */
export function configSpecHash(obj: KObject): string {
  const { metadata, ...rest } = obj;
  const annotations = { ...(metadata?.annotations ?? {}) };
  delete annotations[CONFIG_SPEC_HASH_ANNOTATION];
  return createHash('sha256')
    .update(canonicalJson({ ...rest, metadata: { ...metadata, annotations } }))
    .digest('hex');
}

/** Removes the `OnSpokePresent` paths (the default condition) from a copy of `obj`. */
export function stripIgnoredFields(obj: KObject, ignore: readonly IgnoreField[]): KObject {
  const out = clone(obj);
  for (const f of ignore) {
    if ((f.condition ?? 'OnSpokePresent') !== 'OnSpokePresent') continue;
    for (const p of f.jsonPaths ?? []) {
      const segs = parseFieldPath(p);
      if (segs) deletePath(out, segs);
    }
  }
  return out;
}

/**
 * Field paths of `ignoreFields.jsonPaths`: `.a.b`, `$.a.b`, `.a['x.y']`, `.a["x"]`. Other JSONPath
 * forms (indices, wildcards) are not supported and ignored (undefined).
 */
export function parseFieldPath(path: string): string[] | undefined {
  let s = path.trim().replace(/^\{(.*)\}$/, '$1');
  if (s.startsWith('$')) s = s.slice(1);
  const segs: string[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(?:'([^']*)'|"([^"]*)")\]/y;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) return undefined;
    segs.push(m[1] ?? m[2] ?? m[3]);
    at = re.lastIndex;
  }
  return segs.length ? segs : undefined;
}

function deletePath(obj: unknown, segs: readonly string[]): void {
  let cur = obj;
  for (let i = 0; i < segs.length - 1; i++) {
    if (!isObject(cur)) return;
    cur = cur[segs[i]];
  }
  if (isObject(cur)) delete cur[segs[segs.length - 1]];
}

export type RemovalAction =
  /** Nothing to do: the object is gone, was replaced (other uid), or is not ours. */
  | { type: 'gone' }
  /** Already being deleted: check again later. */
  | { type: 'wait' }
  /** DELETE with a uid precondition and background propagation. */
  | { type: 'delete'; uid: string }
  /** JSON merge patch dropping this work's ownerReference (orphaning, or another work still owns it). */
  | { type: 'patch'; patch: MergePatch };

/** Decides how to carry out a removal against the live object. */
export function decideRemoval(
  step: RemovalStep,
  live: KObject | undefined,
  owner: AppliedWorkRef,
): RemovalAction {
  if (!live) return { type: 'gone' };
  const uid = live.metadata?.uid ?? '';
  if (step.resource.uid && uid && step.resource.uid !== uid) return { type: 'gone' };
  const owners = live.metadata?.ownerReferences ?? [];
  if (!owners.some((r) => r.uid === owner.uid)) return { type: 'gone' };
  if (live.metadata?.deletionTimestamp) return { type: 'wait' };
  const rest = owners.filter((r) => r.uid !== owner.uid);
  const otherWork = rest.some((r) => r.kind === 'AppliedManifestWork');
  if (step.action === 'orphan' || otherWork)
    return {
      type: 'patch',
      patch: {
        metadata: {
          ownerReferences: rest.length ? rest : null,
          resourceVersion: live.metadata?.resourceVersion,
        },
      },
    };
  return { type: 'delete', uid };
}
