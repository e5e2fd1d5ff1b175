/**
 * Server-side apply (apiserver-compat.md §7.2), as a pure function over JSON objects:
 *  1. the applier's new field set is exactly the applied body's fields;
 *  2. the body is merged into the live object;
 *  3. fields the applier owned last time and no longer applies are removed, unless another
 *     manager owns them too;
 *  4. other managers' fields that changed value are conflicts (409) unless `force`, in which
 *     case (and for fields that changed any other way) they leave those managers' sets.
 */
import { deepEqual } from '../schema/json.js';
import type { JSONSchemaProps } from '../schema/types.js';
import type { KObject } from '../types.js';
import { compareValues } from './compare.js';
import { ApplyConflictError, type ApplyConflict } from './conflicts.js';
import {
  SetIndex,
  fieldElement,
  isBelow,
  orderedPaths,
  pathChain,
  pathString,
  union,
  type FieldSet,
  type Path,
} from './fieldpath.js';
import { LAST_APPLIED_MANAGER, fieldsStillAsLastApplied, syncLastApplied } from './last-applied.js';
import {
  capUpdateManagers,
  decodeManagers,
  encodeManagers,
  managerId,
  type ManagerState,
  type Managers,
} from './managers.js';
import { mergeValues } from './merge.js';
import { removePaths } from './remove.js';
import {
  IDENTITY,
  indexNodes,
  objectFieldSet,
  resourceCtx,
  withNamedAncestors,
  type TypeCtx,
} from './typed.js';
import { validateApplyBody } from './validate.js';

export interface ServerSideApplyParams {
  /** The stored object, or undefined when the apply creates it. */
  live: KObject | undefined;
  /** The apply body (a partial object with apiVersion, kind and metadata.name). */
  applied: KObject;
  manager: string;
  force: boolean;
  schema: JSONSchemaProps | undefined;
  /** The resource's group/version (`apps/v1`, `v1`), recorded in the Apply entry. */
  apiVersion: string;
  kind: string;
  subresource?: 'status';
  /** RFC 3339 time for the applier's entry when the object changes. */
  now: string;
  /** `namespace/name` (`/name` when cluster-scoped), for error messages. */
  objectRef: string;
  /**
   * The kind has a /status subresource. Then an apply to the main resource neither sets nor
   * owns `.status` (upstream resets it), just as an apply to /status only touches `.status`.
   */
  statusSubresource?: boolean;
}

const STATUS: Path = fieldElement('status');
const underStatus = (p: Path): boolean => p === STATUS || isBelow(p, STATUS);

/** The part of the body this endpoint takes: only `.status` on /status, all but `.status` elsewhere when the kind has the subresource. */
function effectiveConfig(p: ServerSideApplyParams): KObject {
  const body = structuredClone(p.applied);
  if (p.subresource === 'status') {
    const md = body.metadata ?? {};
    const out: KObject = { apiVersion: body.apiVersion, kind: body.kind, metadata: {} };
    if (md.name !== undefined) out.metadata!.name = md.name;
    if (md.namespace !== undefined) out.metadata!.namespace = md.namespace;
    if (body.status !== undefined) out.status = body.status;
    return out;
  }
  if (p.statusSubresource) delete body.status;
  return body;
}

function withoutManagedFields(obj: KObject): KObject {
  const copy = structuredClone(obj);
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
}

/**
 * Step 3. A field the applier owned before and does not apply now goes away unless someone
 * (the applier included) still owns it or a field below it through struct fields; list
 * elements and map entries are removed whole. This is upstream's prune / add-back-owned /
 * add-back-dangling sequence collapsed into one pass.
 */
function dropUnapplied(
  merged: KObject,
  previous: FieldSet | undefined,
  managers: Managers,
  root: TypeCtx,
): KObject {
  if (!previous || previous.size === 0) return merged;
  const last = withNamedAncestors(previous, root);
  const owned = new SetIndex(
    withNamedAncestors(union(IDENTITY, ...[...managers.values()].map((m) => m.set)), root),
  );
  const nodes = indexNodes(merged, root);
  const lastIndex = new SetIndex(last);
  const removals: Path[] = [];
  const depth = (p: Path) => pathChain(p).length;
  for (const p of [...last].sort((a, b) => depth(a) - depth(b))) {
    if (!nodes.has(p) || removals.some((r) => isBelow(p, r))) continue;
    let inLast = false;
    for (const q of pathChain(p)) {
      inLast ||= lastIndex.has(q);
      if (inLast && !owned.has(q)) {
        removals.push(p);
        break;
      }
    }
  }
  return removals.length ? removePaths(merged, removals, root) : merged;
}

function conflictOf(m: ManagerState, path: Path): ApplyConflict {
  const c: ApplyConflict = {
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    field: pathString(path),
  };
  if (m.subresource) c.subresource = m.subresource;
  return c;
}

export function serverSideApply(p: ServerSideApplyParams): KObject {
  validateApplyBody(p.applied, p.schema, { apiVersion: p.apiVersion, kind: p.kind, objectRef: p.objectRef });
  const root = resourceCtx(p.schema);
  const config = effectiveConfig(p);
  const live = p.live ? withoutManagedFields(p.live) : {};
  const managers = decodeManagers(p.live?.metadata?.managedFields);

  const applierId = managerId({
    manager: p.manager,
    operation: 'Apply',
    apiVersion: p.apiVersion,
    subresource: p.subresource,
  });
  const previous = managers.get(applierId);
  let appliedSet = objectFieldSet(config, p.schema);
  if (p.subresource === 'status') appliedSet = new Set([...appliedSet].filter(underStatus));
  else if (p.statusSubresource) appliedSet = new Set([...appliedSet].filter((x) => !underStatus(x)));
  const applier: ManagerState = {
    manager: p.manager,
    operation: 'Apply',
    apiVersion: p.apiVersion,
    time: previous?.time,
    set: appliedSet,
  };
  if (p.subresource) applier.subresource = p.subresource;
  managers.set(applierId, applier);

  let merged = mergeValues(live, config, root) as KObject;
  merged = dropUnapplied(merged, previous?.set, managers, root);

  // Step 4: what changed, and whose fields that touches.
  const cmp = compareValues(live, merged, root);
  const touched = union(cmp.modified, cmp.added);
  const conflicts: Array<{ id: string; path: Path }> = [];
  for (const [id, m] of managers) {
    if (id === applierId) continue;
    for (const path of orderedPaths(m.set)) if (touched.has(path)) conflicts.push({ id, path });
  }
  if (conflicts.length && !p.force) {
    let remaining = conflicts;
    if (p.manager === LAST_APPLIED_MANAGER) {
      const allowed = fieldsStillAsLastApplied(live, p.schema, p.apiVersion);
      if (allowed) remaining = conflicts.filter((c) => !allowed.has(c.path));
    }
    if (remaining.length) {
      remaining.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      throw new ApplyConflictError(remaining.map((c) => conflictOf(managers.get(c.id)!, c.path)));
    }
  }
  for (const [id, m] of managers) {
    if (id === applierId) continue;
    for (const path of touched) m.set.delete(path);
    for (const path of cmp.removed) m.set.delete(path);
  }

  // The applier's time moves only when the object changed (upstream keeps it on a no-op apply).
  if (!deepEqual(live, merged)) applier.time = p.now;
  capUpdateManagers(managers);
  const entries = encodeManagers(managers);

  if (p.manager === LAST_APPLIED_MANAGER) syncLastApplied(merged, p.applied);
  merged.metadata ??= {};
  if (entries.length) merged.metadata.managedFields = entries;
  else delete merged.metadata.managedFields;
  return merged;
}
