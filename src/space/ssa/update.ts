/**
 * Non-apply writes (POST, PUT, non-apply PATCH) in managedFields (apiserver-compat.md §7.2):
 * they never conflict; the writer's Update entry takes the fields the write added or changed,
 * and those fields, plus any field the write removed, leave every other manager's set
 * (appliers included: after `kubectl scale` the applier no longer owns `.spec.replicas`).
 * The entry's time moves only when the write took something.
 */
import type { JSONSchemaProps } from '../schema/types.js';
import type { KObject } from '../types.js';
import { compareValues, type Comparison } from './compare.js';
import { fieldElement, isBelow, union, type FieldSet, type Path } from './fieldpath.js';
import {
  capUpdateManagers,
  decodeManagers,
  encodeManagers,
  managerId,
  type ManagedFieldsEntry,
  type Managers,
} from './managers.js';
import { STRIPPED, resourceCtx } from './typed.js';

export interface UpdateOptions {
  manager: string;
  /** The group/version the client wrote with. */
  apiVersion: string;
  /** RFC 3339. */
  time: string;
  subresource?: string;
  /** The kind has a /status subresource: main-resource writes do not own `.status`, /status writes only own `.status`. */
  statusSubresource?: boolean;
}

const STATUS: Path = fieldElement('status');
const underStatus = (p: Path): boolean => p === STATUS || isBelow(p, STATUS);

function tracked(opts: UpdateOptions): (p: Path) => boolean {
  const statusSub = opts.statusSubresource || opts.subresource === 'status';
  if (!statusSub) return (p) => !STRIPPED.has(p);
  if (opts.subresource === 'status') return underStatus;
  return (p) => !STRIPPED.has(p) && !underStatus(p);
}

const filtered = (s: FieldSet, keep: (p: Path) => boolean): FieldSet => new Set([...s].filter(keep));

/** Applies one write's comparison to `managers` (in place). */
export function recordChanges(managers: Managers, cmp: Comparison, opts: UpdateOptions): Managers {
  const keep = tracked(opts);
  const added = filtered(cmp.added, keep);
  const modified = filtered(cmp.modified, keep);
  const removed = filtered(cmp.removed, keep);
  const taken = union(modified, added);
  for (const m of managers.values()) {
    for (const p of taken) m.set.delete(p);
    for (const p of removed) m.set.delete(p);
  }
  // Structs that merely appear along the way are not claimed (upstream's typed objects always
  // carry them); maps, lists and list elements that appear are.
  const mine = new Set([...modified, ...[...added].filter((p) => !cmp.addedStructs.has(p))]);
  if (mine.size) {
    const ref = {
      manager: opts.manager,
      operation: 'Update' as const,
      apiVersion: opts.apiVersion,
      subresource: opts.subresource || undefined,
    };
    const id = managerId(ref);
    const previous = managers.get(id);
    const state = { ...ref, time: opts.time, set: union(previous?.set ?? [], mine) };
    if (!state.subresource) delete state.subresource;
    managers.set(id, state);
  }
  for (const [id, m] of managers) if (m.set.size === 0) managers.delete(id);
  capUpdateManagers(managers);
  return managers;
}

export interface TrackUpdateParams extends UpdateOptions {
  /** The stored object (undefined on create). */
  live: KObject | undefined;
  /** The object about to be stored. */
  obj: KObject;
  schema: JSONSchemaProps | undefined;
  /** The entries to start from; defaults to `obj.metadata.managedFields`. */
  entries?: unknown;
}

function withoutManagedFields(o: KObject): KObject {
  const c = { ...o, metadata: { ...o.metadata } };
  delete c.metadata.managedFields;
  return c;
}

/** The managedFields entries after a non-apply write of `obj` over `live`. */
export function trackUpdate(p: TrackUpdateParams): ManagedFieldsEntry[] {
  const managers = decodeManagers(p.entries ?? p.obj.metadata?.managedFields);
  const cmp = compareValues(
    p.live ? withoutManagedFields(p.live) : {},
    withoutManagedFields(p.obj),
    resourceCtx(p.schema),
  );
  return encodeManagers(recordChanges(managers, cmp, p));
}
