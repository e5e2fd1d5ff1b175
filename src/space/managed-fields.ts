import type { JSONSchemaProps } from './schema/types.js';
import type { KObject } from './types.js';

/**
 * Field-set bookkeeping for `metadata.managedFields` (apiserver-compat.md §7). A field set is a
 * set of paths; each path is a list of elements `f:<field>`, `k:<json key>`, `v:<json value>`,
 * `i:<index>` joined with NUL, and `.` marks a list element as a member in its own right.
 */
export type FieldSet = Set<string>;
const SEP = '\u0000';

/** metadata fields that never appear in field sets. */
const STRIPPED_META = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

function childSchema(schema: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[key]) return schema.properties[key];
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return schema.additionalProperties;
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The key element of a list item, from the schema's list type; undefined = atomic list. */
function listElement(schema: JSONSchemaProps | undefined, item: unknown, index: number): string | undefined {
  const lt = schema?.['x-kubernetes-list-type'];
  if (lt === 'map') {
    const keys = schema!['x-kubernetes-list-map-keys'] ?? [];
    if (!isObject(item)) return undefined;
    const k: Record<string, unknown> = {};
    for (const name of keys) {
      let v = item[name];
      if (v === undefined) v = schema!.items?.properties?.[name]?.default;
      if (v !== undefined) k[name] = v;
    }
    return Object.keys(k).length ? `k:${JSON.stringify(k)}` : `i:${index}`;
  }
  if (lt === 'set') return `v:${JSON.stringify(item)}`;
  return undefined;
}

/** Every leaf path of `obj` (and each keyed list element) as a field set. */
export function fieldSetOf(obj: KObject, schema: JSONSchemaProps | undefined): FieldSet {
  const out: FieldSet = new Set();
  const walk = (v: unknown, s: JSONSchemaProps | undefined, path: string[], atRoot: boolean, inMeta: boolean) => {
    if (isObject(v) && !(s && s['x-kubernetes-map-type'] === 'atomic')) {
      const keys = Object.keys(v);
      if (keys.length === 0 && path.length) out.add(path.join(SEP));
      for (const k of keys) {
        if (atRoot && (k === 'apiVersion' || k === 'kind')) continue;
        if (inMeta && STRIPPED_META.has(k)) continue;
        if (inMeta && k === 'finalizers' && Array.isArray(v[k])) {
          for (const f of v[k] as unknown[]) out.add([...path, 'f:finalizers', `v:${JSON.stringify(f)}`].join(SEP));
          continue;
        }
        walk(v[k], childSchema(s, k), [...path, `f:${k}`], false, atRoot && k === 'metadata');
      }
      return;
    }
    if (Array.isArray(v) && v.length && s?.['x-kubernetes-list-type'] && s['x-kubernetes-list-type'] !== 'atomic') {
      v.forEach((item, i) => {
        const el = listElement(s, item, i);
        if (!el) {
          out.add(path.join(SEP));
          return;
        }
        out.add([...path, el, '.'].join(SEP));
        if (isObject(item)) walk(item, s.items, [...path, el], false, false);
      });
      return;
    }
    if (path.length) out.add(path.join(SEP));
  };
  walk(obj, schema, [], true, false);
  return out;
}

/** Paths whose value differs between two objects (added, changed or removed). */
export function changedFields(oldObj: KObject | undefined, newObj: KObject, schema: JSONSchemaProps | undefined): FieldSet {
  const a = oldObj ? valueMap(oldObj, schema) : new Map<string, string>();
  const b = valueMap(newObj, schema);
  const out: FieldSet = new Set();
  for (const [p, v] of b) if (a.get(p) !== v) out.add(p);
  for (const p of a.keys()) if (!b.has(p)) out.add(p);
  return out;
}

function valueMap(obj: KObject, schema: JSONSchemaProps | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of fieldSetOf(obj, schema)) m.set(p, JSON.stringify(valueAt(obj, p.split(SEP))));
  return m;
}

function valueAt(obj: unknown, path: string[]): unknown {
  let cur: any = obj;
  for (const el of path) {
    if (cur === undefined || cur === null) return undefined;
    if (el === '.') return true;
    if (el.startsWith('f:')) cur = cur[el.slice(2)];
    else if (el.startsWith('i:')) cur = cur[Number(el.slice(2))];
    else if (el.startsWith('v:')) return Array.isArray(cur) && cur.some((x) => JSON.stringify(x) === el.slice(2));
    else if (el.startsWith('k:')) {
      const key = JSON.parse(el.slice(2)) as Record<string, unknown>;
      cur = Array.isArray(cur) ? cur.find((x) => Object.entries(key).every(([k, v]) => x?.[k] === v || (x?.[k] === undefined && v === 'TCP'))) : undefined;
    }
  }
  return cur;
}

/** FieldSet -> FieldsV1 JSON tree. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const p of [...set].sort()) {
    let cur = root;
    for (const el of p.split(SEP)) cur = cur[el] ??= {};
  }
  return root;
}

/** FieldsV1 JSON tree -> FieldSet (leaves only). */
export function fromFieldsV1(tree: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: unknown, path: string[]) => {
    if (!isObject(node) || Object.keys(node).length === 0) {
      if (path.length) out.add(path.join(SEP));
      return;
    }
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(tree, []);
  return out;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/**
 * Record a non-apply write: `manager` takes ownership of the fields it changed, and those fields
 * leave every other manager's set. Entries left empty are dropped.
 */
export function recordUpdate(
  entries: ManagedFieldsEntry[] | undefined,
  changed: FieldSet,
  live: FieldSet,
  opts: { manager: string; apiVersion: string; time: string; subresource?: string },
): ManagedFieldsEntry[] {
  const result: ManagedFieldsEntry[] = [];
  let mine: FieldSet = new Set();
  for (const e of entries ?? []) {
    const set = fromFieldsV1(e.fieldsV1);
    const isMine = e.manager === opts.manager && e.operation === 'Update' && e.apiVersion === opts.apiVersion && (e.subresource ?? '') === (opts.subresource ?? '');
    if (isMine) {
      mine = set;
      continue;
    }
    for (const p of changed) set.delete(p);
    for (const p of [...set]) if (!live.has(p)) set.delete(p);
    if (set.size) result.push({ ...e, fieldsV1: toFieldsV1(set) });
  }
  for (const p of changed) if (live.has(p)) mine.add(p);
  for (const p of [...mine]) if (!live.has(p)) mine.delete(p);
  if (mine.size) {
    const entry: ManagedFieldsEntry = {
      manager: opts.manager,
      operation: 'Update',
      apiVersion: opts.apiVersion,
      time: opts.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(mine),
    };
    if (opts.subresource) entry.subresource = opts.subresource;
    result.push(entry);
  }
  return result;
}
