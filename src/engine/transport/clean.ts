/**
 * WEC-independent cleaning of workload objects before delivery (kubestellar-semantics.md §3.3.1,
 * §3.3.2): drop what the WDS server set, so the WEC's server can set its own, and make the
 * result canonical (sorted keys) so identical inputs give byte-identical ManifestWorks.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/meta.js';
import {
  MULTIWEC_STATUS_LABEL,
  PRESERVE_ANNOTATION,
  PRESERVE_NODEPORT,
  PRESERVE_SUSPEND,
  SINGLETON_STATUS_LABEL,
} from '../../api/constants.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const JOB_TRACKING = 'batch.kubernetes.io/job-tracking';
const JOB_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];

/** Server-set metadata fields. creationTimestamp and deletionTimestamp go too ([IMPROVE] §3.3.1). */
const SERVER_METADATA = [
  'managedFields',
  'finalizers',
  'generation',
  'ownerReferences',
  'selfLink',
  'resourceVersion',
  'uid',
  'generateName',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

const isObj = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function deleteKeys(m: Record<string, unknown> | undefined, keys: readonly string[]): void {
  if (!m) return;
  for (const k of keys) delete m[k];
}

/** Removes an empty labels/annotations map so `{}` and absent serialise the same. */
function dropEmptyMap(meta: Record<string, any>, key: string): void {
  if (isObj(meta[key]) && !Object.keys(meta[key]).length) delete meta[key];
}

/** Generic cleaning, in place (§3.3.1). The concrete name of a generateName object is kept. */
export function genericClean(obj: KObject): void {
  delete obj.status;
  const meta = obj.metadata;
  if (!isObj(meta)) return;
  deleteKeys(meta, SERVER_METADATA);
  deleteKeys(meta.annotations, [LAST_APPLIED]);
  dropEmptyMap(meta, 'annotations');
  dropEmptyMap(meta, 'labels');
}

/** Tokens of the preserve annotation: upstream's `nodeport`, plus a comma list ([IMPROVE]). */
export function preserveTokens(obj: KObject): Set<string> {
  const v = obj.metadata?.annotations?.[PRESERVE_ANNOTATION];
  return new Set(
    (v ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

function cleanService(obj: KObject): void {
  const spec = obj.spec;
  if (!isObj(spec)) return;
  deleteKeys(spec, [
    'ipFamilies',
    'externalTrafficPolicy',
    'internalTrafficPolicy',
    'ipFamilyPolicy',
    'sessionAffinity',
  ]);
  // A headless Service must stay headless; any concrete address is the WDS's own allocation.
  if (spec.clusterIP !== 'None') delete spec.clusterIP;
  if (Array.isArray(spec.clusterIPs)) {
    const keep = spec.clusterIPs.filter((ip: unknown) => ip === 'None');
    if (keep.length) spec.clusterIPs = keep;
    else delete spec.clusterIPs;
  }
  if (!preserveTokens(obj).has(PRESERVE_NODEPORT) && Array.isArray(spec.ports)) {
    // Upstream sets null; deleting has the same effect (the WEC assigns its own) and reads cleaner.
    for (const p of spec.ports) if (isObj(p)) delete p.nodePort;
  }
}

function cleanJob(obj: KObject): void {
  const spec = obj.spec;
  if (isObj(spec)) {
    delete spec.selector;
    // Upstream always drops suspend; `preserve: suspend` keeps a suspended Job suspended.
    if (!preserveTokens(obj).has(PRESERVE_SUSPEND)) delete spec.suspend;
    const tmplMeta = spec.template?.metadata;
    if (isObj(tmplMeta)) {
      deleteKeys(tmplMeta.labels, JOB_UID_LABELS);
      dropEmptyMap(tmplMeta, 'labels');
    }
  }
  const meta = obj.metadata;
  if (isObj(meta)) {
    deleteKeys(meta.annotations, [JOB_TRACKING]);
    deleteKeys(meta.labels, JOB_UID_LABELS);
    dropEmptyMap(meta, 'annotations');
    dropEmptyMap(meta, 'labels');
  }
  delete obj.status;
}

/** Built-in per-kind cleaning, in place, for exact apiVersion/kind matches (§3.3.2). */
export function builtinClean(obj: KObject): void {
  if (obj.apiVersion === 'v1' && obj.kind === 'Service') cleanService(obj);
  else if (obj.apiVersion === 'batch/v1' && obj.kind === 'Job') cleanJob(obj);
}

/** Deep copy with object keys sorted, so equal content always serialises identically. */
export function canonicalize<T>(v: T): T {
  if (Array.isArray(v)) return v.map(canonicalize) as T;
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = canonicalize(v[k]);
  return out as T;
}

/** A cleaned, canonical deep copy of a live WDS object, ready for CustomTransforms. */
export function cleanForDownsync(live: KObject): KObject {
  const obj = canonicalize(structuredClone(live));
  genericClean(obj);
  builtinClean(obj);
  return obj;
}

/**
 * A hash of what would be delivered for this object, ignoring KubeStellar's own status labels:
 * the binding Resolver takes it as ObjectRecord.fingerprint so that status write-backs do not
 * churn Bindings and ManifestWorks ([IMPROVE] §8).
 */
export function downsyncFingerprint(live: KObject): string {
  const obj = cleanForDownsync(live);
  deleteKeys(obj.metadata?.labels, [SINGLETON_STATUS_LABEL, MULTIWEC_STATUS_LABEL]);
  return createHash('sha256').update(JSON.stringify(obj)).digest('hex').slice(0, 32);
}
