/**
 * `metadata.managedFields` as a map of managers (apiserver-compat.md §7.1). A manager is named by
 * an identifier built like upstream's: an Apply manager by (manager, subresource), whatever
 * apiVersion it applied with; an Update manager by (manager, apiVersion, subresource).
 */
import { isPlainObject } from '../schema/json.js';
import { fromFieldsV1, toFieldsV1, type FieldSet } from './fieldpath.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerRef {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
}

export interface ManagerState extends ManagerRef {
  time?: string;
  set: FieldSet;
}

export type Managers = Map<string, ManagerState>;

/** The identifier upstream keys managers by (JSON of the entry without time and fields). */
export function managerId(ref: ManagerRef): string {
  const id: Record<string, string> = { manager: ref.manager, operation: ref.operation };
  if (ref.operation === 'Update') id.apiVersion = ref.apiVersion;
  if (ref.subresource) id.subresource = ref.subresource;
  return JSON.stringify(id);
}

/** Reads stored entries; malformed ones are skipped, a later entry wins over an earlier twin. */
export function decodeManagers(entries: unknown): Managers {
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  for (const e of entries) {
    if (!isPlainObject(e) || typeof e.manager !== 'string') continue;
    if (e.operation !== 'Apply' && e.operation !== 'Update') continue;
    const state: ManagerState = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      set: fromFieldsV1(e.fieldsV1),
    };
    if (typeof e.subresource === 'string' && e.subresource) state.subresource = e.subresource;
    if (typeof e.time === 'string') state.time = e.time;
    out.set(managerId(state), state);
  }
  return out;
}

const seconds = (t: string | undefined): number => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entries in upstream's order: Apply before Update, then oldest first, then by name. */
function entryOrder(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  return (
    cmp(a.operation, b.operation) ||
    seconds(a.time) - seconds(b.time) ||
    cmp(a.manager, b.manager) ||
    cmp(a.apiVersion, b.apiVersion) ||
    cmp(a.subresource ?? '', b.subresource ?? '')
  );
}

/** Managers → entries; managers with nothing left are dropped. */
export function encodeManagers(managers: Managers): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    if (m.set.size === 0) continue;
    // Property order as upstream serialises an entry.
    const e: ManagedFieldsEntry = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time !== undefined ? { time: m.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.set),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    };
    out.push(e);
  }
  return out.sort(entryOrder);
}

export const ANCIENT_CHANGES = 'ancient-changes';
export const MAX_UPDATE_MANAGERS = 10;

/**
 * Upstream keeps at most ten Update managers: the oldest are folded, per apiVersion, into one
 * `ancient-changes` manager (carrying the time of the newest update folded in).
 */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= max) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || cmp(ia, ib));
  let count = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (const [id, m] of updaters) {
    if (count <= max) break;
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    const ref: ManagerRef = { manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: m.apiVersion };
    const bucketId = managerId(ref);
    if (id === bucketId) continue;
    let bucket = managers.get(bucketId);
    if (!bucket) {
      const seed = managers.get(first)!;
      managers.delete(first);
      bucket = { ...ref, set: new Set(seed.set) };
      managers.set(bucketId, bucket);
    }
    for (const p of m.set) bucket.set.add(p);
    bucket.time = m.time;
    managers.delete(id);
    count--;
  }
}
