/**
 * WorkStatus objects, as KubeStellar's OCM status add-on writes them into the WEC's namespace of
 * the ITS (kubestellar-semantics.md §4.1, provisioning.md §2.11): one per object a KubeStellar
 * ManifestWork applied, carrying the object's `.status` verbatim.
 */
import type { KObject, OwnerReference } from '../../api/meta.js';
import { parseApiVersion } from '../../api/meta.js';
import type { SourceRef, WorkStatus } from '../../api/control.js';
import type { ManifestWork } from '../../api/ocm.js';
import {
  CONTROL_API_VERSION,
  SINGLETON_STATUS_LABEL,
  STATUS_ADDON_LABEL_PREFIXES,
  WORK_API_VERSION,
} from '../../api/constants.js';
import { jsonEqual } from '../common/json.js';

/** Kinds (`group/Kind`) the upstream agent never watches, so they never get a WorkStatus. */
export const UNWATCHED_KINDS: ReadonlySet<string> = new Set([
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  '/Secret',
  '/ConfigMap',
  '/ServiceAccount',
]);

/** The initial, never-updated statusDetails (upstream sets it once at creation). */
export const INITIAL_STATUS_DETAILS = {
  lastGeneration: 0,
  lastGenerationIsApplied: false,
  lastCurrencyUpdateTime: '1970-01-01T00:00:00Z',
} as const;

const MAX_NAME = 253;

/**
 * `<AppliedManifestWork uid>-<apiVersion lower-cased, '/' removed>-<kind lower>-<namespace>-<name>`
 * (empty namespace for cluster-scoped objects, hence `--`), cut to 253 characters. Unlike
 * upstream, a cut that would end in '-' or '.' is trimmed so the name stays valid.
 */
export function workStatusName(
  appliedWorkUid: string,
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
): string {
  const full = `${appliedWorkUid}-${apiVersion.toLowerCase().replace(/\//g, '')}-${kind.toLowerCase()}-${namespace}-${name}`;
  return full.length <= MAX_NAME ? full : full.slice(0, MAX_NAME).replace(/[-.]+$/, '');
}

/** UID of the object's first AppliedManifestWork owner: what marks it as delivered by OCM. */
export function appliedWorkOwnerUid(obj: KObject): string | undefined {
  return (obj.metadata?.ownerReferences ?? []).find(
    (r) => r.kind === 'AppliedManifestWork' && r.apiVersion === WORK_API_VERSION,
  )?.uid;
}

/** A work is reported only when it has a label key starting with a KubeStellar transport prefix. */
export function workIsReported(work: Pick<ManifestWork, 'metadata'>): boolean {
  return Object.keys(work.metadata.labels ?? {}).some((k) =>
    STATUS_ADDON_LABEL_PREFIXES.some((p) => k.startsWith(p)),
  );
}

export interface ReportOptions {
  /** Also report the kinds upstream never watches (RBAC, Secret, ConfigMap, ServiceAccount). */
  reportUnwatchedKinds?: boolean;
}

/** Whether an object of this kind from this work gets a WorkStatus. */
export function shouldReport(
  work: Pick<ManifestWork, 'metadata'>,
  group: string,
  kind: string,
  opts: ReportOptions = {},
): boolean {
  return workIsReported(work) && (!!opts.reportUnwatchedKinds || !UNWATCHED_KINDS.has(`${group}/${kind}`));
}

/** The WEC object's identity as its REST mapping gives it. */
export interface ObjectResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

export interface WorkStatusInput {
  /** The object on the WEC. */
  obj: KObject;
  resource: ObjectResource;
  /** The originating ManifestWork (its namespace is the WEC's mailbox namespace). */
  work: Pick<ManifestWork, 'metadata'>;
  /** UID of the AppliedManifestWork owning `obj` (see appliedWorkOwnerUid). */
  appliedWorkUid: string;
}

export function sourceRefOf(obj: KObject, r: ObjectResource): SourceRef {
  return {
    group: r.group,
    version: r.version,
    resource: r.resource,
    kind: r.kind,
    name: obj.metadata?.name ?? '',
    namespace: obj.metadata?.namespace ?? '',
  };
}

/** The WorkStatus for one applied object, as it should be created. */
export function buildWorkStatus(input: WorkStatusInput): WorkStatus {
  const { obj, resource, work } = input;
  const apiVersion =
    obj.apiVersion || (resource.group ? `${resource.group}/${resource.version}` : resource.version);
  const labels: Record<string, string> = { ...(work.metadata.labels ?? {}) };
  const singleton = obj.metadata?.labels?.[SINGLETON_STATUS_LABEL];
  if (singleton !== undefined) labels[SINGLETON_STATUS_LABEL] = singleton;
  const owner: OwnerReference = {
    apiVersion: WORK_API_VERSION,
    kind: 'ManifestWork',
    name: work.metadata.name ?? '',
    uid: work.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
  const ws: WorkStatus = {
    apiVersion: CONTROL_API_VERSION,
    kind: 'WorkStatus',
    metadata: {
      name: workStatusName(
        input.appliedWorkUid,
        apiVersion,
        obj.kind ?? resource.kind,
        obj.metadata?.namespace ?? '',
        obj.metadata?.name ?? '',
      ),
      namespace: work.metadata.namespace ?? '',
      labels,
      ownerReferences: [owner],
    },
    spec: { sourceRef: sourceRefOf(obj, resource) },
    statusDetails: { ...INITIAL_STATUS_DETAILS },
  };
  if (obj.status !== undefined && obj.status !== null) ws.status = obj.status;
  return ws;
}

/** What to write to bring an existing WorkStatus in line with the desired one. */
export interface WorkStatusUpdate {
  /** JSON merge patch of `metadata.labels` (null removes) — only the singleton-status label is synced. */
  labels?: Record<string, string | null>;
  /** New `spec.sourceRef` (full update). */
  sourceRef?: SourceRef;
  /** New `.status` (status subresource). */
  status?: Record<string, unknown>;
}

/**
 * The writes needed, or undefined when the existing WorkStatus is up to date. Labels other than
 * the singleton-status one are copied only at creation (upstream), so they are not compared. A
 * WEC object that lost its status does not clear the reported one (upstream never does).
 */
export function workStatusUpdate(existing: WorkStatus, desired: WorkStatus): WorkStatusUpdate | undefined {
  const out: WorkStatusUpdate = {};
  const have = existing.metadata.labels?.[SINGLETON_STATUS_LABEL];
  const want = desired.metadata.labels?.[SINGLETON_STATUS_LABEL];
  if (have !== want) out.labels = { [SINGLETON_STATUS_LABEL]: want ?? null };
  if (desired.spec && !jsonEqual(existing.spec?.sourceRef, desired.spec.sourceRef))
    out.sourceRef = desired.spec.sourceRef;
  if (desired.status !== undefined && !jsonEqual(existing.status, desired.status))
    out.status = desired.status;
  return Object.keys(out).length ? out : undefined;
}

/** The object's group from its apiVersion (for shouldReport when no REST mapping is at hand). */
export const groupOf = (obj: KObject): string => parseApiVersion(obj.apiVersion ?? '').group;
