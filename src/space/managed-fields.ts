/**
 * managedFields bookkeeping for non-apply writes, in the shape the write pipeline calls it
 * (objects.ts): `changedFields` + `fieldSetOf` + `recordUpdate`. The work is done by the
 * server-side apply modules in `./ssa/` (field paths, schema-aware comparison, manager entries).
 */
import type { JSONSchemaProps } from './schema/types.js';
import type { KObject } from './types.js';
import { compareValues, type Comparison } from './ssa/compare.js';
import { difference, intersection } from './ssa/fieldpath.js';
import { decodeManagers, encodeManagers, type ManagedFieldsEntry } from './ssa/managers.js';
import { objectFieldSet, resourceCtx } from './ssa/typed.js';
import { recordChanges, type UpdateOptions } from './ssa/update.js';

export type { ManagedFieldsEntry } from './ssa/managers.js';
export { fromFieldsV1, toFieldsV1 } from './ssa/fieldpath.js';

/** A set of field paths (see ssa/fieldpath.ts for the encoding). */
export type FieldSet = Set<string>;

/** The tracked fields of an object: its leaves, map entries and list elements, without identity metadata. */
export function fieldSetOf(obj: KObject, schema: JSONSchemaProps | undefined): FieldSet {
  return objectFieldSet(obj, schema);
}

/** The paths a write touched, remembering which were added, changed or removed. */
class FieldChanges extends Set<string> {
  constructor(readonly comparison: Comparison) {
    super([...comparison.added, ...comparison.modified, ...comparison.removed]);
  }
}

/** Paths whose value differs between two objects (added, changed or removed). */
export function changedFields(
  oldObj: KObject | undefined,
  newObj: KObject,
  schema: JSONSchemaProps | undefined,
): FieldSet {
  return new FieldChanges(compareValues(oldObj ?? {}, newObj, resourceCtx(schema)));
}

/**
 * Record a non-apply write: `manager` takes ownership of the fields it added or changed, and
 * those fields (and any it removed) leave every other manager's set. Entries left empty are
 * dropped. `changed` should come from `changedFields`; a plain set is read as "changed if still
 * in `live`, removed otherwise".
 */
export function recordUpdate(
  entries: ManagedFieldsEntry[] | undefined,
  changed: FieldSet,
  live: FieldSet,
  opts: UpdateOptions,
): ManagedFieldsEntry[] {
  const comparison: Comparison =
    changed instanceof FieldChanges
      ? changed.comparison
      : {
          added: new Set(),
          modified: intersection(changed, live),
          removed: difference(changed, live),
          addedStructs: new Set(),
        };
  return encodeManagers(recordChanges(decodeManagers(entries), comparison, opts));
}
