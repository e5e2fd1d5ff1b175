/**
 * Reported-state rules (kubestellar-semantics.md §4.1-§4.6): from what the policies ask for an
 * object (S, QS, M, QM; see binding/Resolver.reportedStateRequest) and the statuses its WECs
 * returned, decide what the WDS object's `.status` and marker labels must become. Pure functions;
 * the status controller reads and writes.
 *
 * Jobs (§4.5): in a WDS that runs a Job controller, returned status and the controller fight over
 * `.status`. Embedded WDS spaces run no controllers, so the fight cannot happen there.
 */
import type { WorkStatus } from '../../api/control.js';
import type { KObject } from '../../api/meta.js';
import type { ManifestWork } from '../../api/ocm.js';
import {
  MULTIWEC_STATUS_LABEL,
  ORIGIN_WDS_LABEL,
  SINGLETON_STATUS_LABEL,
  STATUS_RETURN_EXEMPT_KINDS,
} from '../../api/constants.js';
import { aggregateStatuses } from './rules-multiwec.js';

/** What the policies holding an object ask for (same shape as the Resolver's). */
export interface ReportedStateRequest {
  singleton: boolean;
  singletonWECs: readonly string[];
  multi: boolean;
  multiWECs: readonly string[];
}

export type ReportedStateDecision =
  { mode: 'clear' } | { mode: 'singleton'; wec: string } | { mode: 'multi'; wecs: string[] };

/** The §4.3 table. */
export function decideReportedState(req: ReportedStateRequest): ReportedStateDecision {
  const qs = [...new Set(req.singletonWECs)];
  const qm = [...new Set(req.multiWECs)];
  if (req.singleton && req.multi) {
    const q = [...new Set([...qs, ...qm])].sort();
    return q.length === 1 ? { mode: 'singleton', wec: q[0] } : { mode: 'multi', wecs: q };
  }
  if (req.singleton) return qs.length === 1 ? { mode: 'singleton', wec: qs[0] } : { mode: 'clear' };
  if (req.multi) {
    if (qm.length === 1) return { mode: 'singleton', wec: qm[0] };
    if (qm.length > 1) return { mode: 'multi', wecs: qm.sort() };
  }
  return { mode: 'clear' };
}

/** One returned status of the object: a WorkStatus (or equivalent) in WEC `wec`. */
export interface ReturnedStatus {
  wec: string;
  /** The object's `.status` in that WEC; undefined while not reported. */
  status?: Record<string, unknown>;
}

/** The WDS object as far as the rules care. */
export interface StatusTarget {
  group: string;
  kind: string;
  labels?: Readonly<Record<string, string>>;
  status?: unknown;
}

/**
 * What to do to the WDS object. Apply in this order (§4.4): add `addLabels` (value "true") with a
 * normal update; if `status` is set and differs from the current `.status`, write it through the
 * status subresource; then remove `removeLabels`. Everything empty = nothing to do.
 */
export interface StatusAction {
  addLabels: string[];
  status?: Record<string, unknown>;
  removeLabels: string[];
}

const NOOP: StatusAction = { addLabels: [], removeLabels: [] };

export function isNoop(a: StatusAction): boolean {
  return !a.addLabels.length && !a.removeLabels.length && a.status === undefined;
}

/** Namespaces and CRDs never take status from a WEC: the WDS is authoritative for them (§4.3.3). */
export function isStatusReturnExempt(group: string, kind: string): boolean {
  return STATUS_RETURN_EXEMPT_KINDS.has(`${group}/${kind}`);
}

/** Semantic deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as any)[k], (b as any)[k]))
    );
  }
  return false;
}

function write(
  target: StatusTarget,
  status: Record<string, unknown>,
  want: string,
  other: string,
): StatusAction {
  const labels = target.labels ?? {};
  return {
    addLabels: labels[want] === 'true' ? [] : [want],
    status: jsonEqual(target.status, status) ? undefined : status,
    removeLabels: Object.hasOwn(labels, other) ? [other] : [],
  };
}

/** §4.3.2: only an object KubeStellar wrote status into (it carries a marker label) is cleared. */
function clear(target: StatusTarget): StatusAction {
  const labels = target.labels ?? {};
  const marked = [SINGLETON_STATUS_LABEL, MULTIWEC_STATUS_LABEL].filter((l) => Object.hasOwn(labels, l));
  if (!marked.length) return NOOP;
  return { addLabels: [], status: jsonEqual(target.status, {}) ? undefined : {}, removeLabels: marked };
}

function singletonCopy(target: StatusTarget, records: readonly ReturnedStatus[]): StatusAction {
  if (records.length !== 1) return clear(target);
  const s = records[0].status;
  if (s === undefined || s === null) return NOOP; // reported later; leave the object alone
  return write(target, s, SINGLETON_STATUS_LABEL, MULTIWEC_STATUS_LABEL);
}

/**
 * The action for one object (§4.3, §4.3.1, §4.3.2, §4.6). `returned` holds every returned status
 * of the object, from any WEC; only those of the qualified WECs are used.
 */
export function computeStatusAction(
  target: StatusTarget,
  request: ReportedStateRequest,
  returned: readonly ReturnedStatus[],
): StatusAction {
  if (isStatusReturnExempt(target.group, target.kind)) return NOOP;
  const d = decideReportedState(request);
  if (d.mode === 'clear') return clear(target);
  if (d.mode === 'singleton')
    return singletonCopy(
      target,
      returned.filter((r) => r.wec === d.wec),
    );
  const q = new Set(d.wecs);
  const withStatus = returned.filter((r) => q.has(r.wec) && r.status !== undefined && r.status !== null);
  if (!withStatus.length) return clear(target);
  if (withStatus.length === 1) return singletonCopy(target, withStatus);
  const sorted = [...withStatus].sort((a, b) => (a.wec < b.wec ? -1 : a.wec > b.wec ? 1 : 0));
  const agg = aggregateStatuses(
    target.group,
    target.kind,
    sorted.map((r) => r.status!),
  );
  return write(target, agg, MULTIWEC_STATUS_LABEL, SINGLETON_STATUS_LABEL);
}

/**
 * A JSON merge patch turning `.status` into `desired` on a resource without a status subresource.
 * [IMPROVE] §4.4: keys to drop are set to null, so a "clear" really clears.
 */
export function statusMergePatch(
  current: unknown,
  desired: Record<string, unknown>,
): { status: Record<string, unknown> | null } {
  const cur =
    current && typeof current === 'object' && !Array.isArray(current)
      ? (current as Record<string, unknown>)
      : {};
  const patch: Record<string, unknown> = { ...desired };
  for (const k of Object.keys(cur)) if (!Object.hasOwn(desired, k)) patch[k] = null;
  return { status: patch };
}

// ---- sources of returned status ----

/** The identity a WorkStatus reports on (`spec.sourceRef`). */
export interface SourceId {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Whether this WDS may use a WorkStatus: its origin label is absent or names this WDS (§4.1). */
export function workStatusIsForWds(ws: WorkStatus, wdsName: string): boolean {
  const origin = ws.metadata.labels?.[ORIGIN_WDS_LABEL];
  return origin === undefined || origin === wdsName;
}

/** The object a WorkStatus reports on, or undefined when its sourceRef is incomplete. */
export function workStatusSource(ws: WorkStatus): SourceId | undefined {
  const r = ws.spec?.sourceRef;
  if (
    !r ||
    r.kind === undefined ||
    r.name === undefined ||
    r.version === undefined ||
    r.resource === undefined
  )
    return undefined;
  return {
    group: r.group ?? '',
    version: r.version,
    resource: r.resource,
    kind: r.kind,
    namespace: r.namespace ?? '',
    name: r.name,
  };
}

const sameSource = (a: SourceId, b: SourceId) =>
  a.group === b.group &&
  a.version === b.version &&
  a.resource === b.resource &&
  a.kind === b.kind &&
  a.namespace === b.namespace &&
  a.name === b.name;

/** Returned statuses of `id` from WorkStatus objects (full identity, namespace included; [IMPROVE] §4.1). */
export function returnedFromWorkStatuses(
  workStatuses: readonly WorkStatus[],
  id: SourceId,
  wdsName: string,
): ReturnedStatus[] {
  const out: ReturnedStatus[] = [];
  for (const ws of workStatuses) {
    if (!workStatusIsForWds(ws, wdsName)) continue;
    const src = workStatusSource(ws);
    if (!src || !sameSource(src, id)) continue;
    out.push({
      wec: ws.metadata.namespace ?? '',
      status: (ws.status ?? undefined) as Record<string, unknown> | undefined,
    });
  }
  return out;
}

/** Name of the feedback value (JsonRaw, a JSONPaths rule on `.status`) carrying a whole status. */
export const STATUS_FEEDBACK_NAME = 'status';

/**
 * Returned statuses of `id` from ManifestWork status feedback, for agents that report through
 * the work instead of WorkStatus: one record per WEC (several works may carry the object).
 */
export function returnedFromManifestWorks(works: readonly ManifestWork[], id: SourceId): ReturnedStatus[] {
  const byWec = new Map<string, ReturnedStatus>();
  for (const w of works) {
    const wec = w.metadata.namespace ?? '';
    for (const m of w.status?.resourceStatus?.manifests ?? []) {
      const r = m.resourceMeta;
      if (
        (r.group ?? '') !== id.group ||
        r.resource !== id.resource ||
        (r.namespace ?? '') !== id.namespace ||
        r.name !== id.name
      )
        continue;
      if (r.version && r.version !== id.version) continue;
      const raw = m.statusFeedback?.values?.find(
        (v) => v.name === STATUS_FEEDBACK_NAME && v.fieldValue.type === 'JsonRaw',
      );
      let status: Record<string, unknown> | undefined;
      try {
        status = raw?.fieldValue.jsonRaw ? JSON.parse(raw.fieldValue.jsonRaw) : undefined;
      } catch {
        status = undefined;
      }
      if (!byWec.has(wec) || (status && !byWec.get(wec)!.status)) byWec.set(wec, { wec, status });
    }
  }
  return [...byWec.values()];
}

/** The object's labels and status as a StatusTarget. */
export function statusTargetOf(obj: KObject, group: string): StatusTarget {
  return { group, kind: obj.kind ?? '', labels: obj.metadata?.labels, status: obj.status };
}
