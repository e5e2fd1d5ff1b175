/**
 * How server-side apply reads a schema (apiserver-compat.md §7.2, §7.3): which fields are struct
 * fields ("named"), which objects are granular maps and which atomic, which lists are list-maps,
 * sets or atomic, and how a list element is named. Plus the field set of an object.
 *
 * Rules: `x-kubernetes-map-type: atomic` makes an object a leaf; `x-kubernetes-list-type` `map`
 * (with `x-kubernetes-list-map-keys`) and `set` make lists granular, anything else is atomic.
 * Without a schema (no schema at all, or undeclared fields under
 * `x-kubernetes-preserve-unknown-fields`) objects are granular maps and lists atomic.
 * `metadata` at a resource root is always ObjectMeta, whatever the kind's schema says.
 */
import { objectMeta } from '../builtins/schemas/meta.js';
import { hasOwn, isPlainObject } from '../schema/json.js';
import type { JSONSchemaProps } from '../schema/types.js';
import {
  ROOT,
  child,
  elementsOf,
  fieldElement,
  keyElement,
  valueElement,
  type FieldSet,
  type Path,
  type PathElement,
} from './fieldpath.js';

/** Where a walk stands in the schema. `resource`: the node is a whole object (apiVersion/kind/metadata). */
export interface TypeCtx {
  readonly schema: JSONSchemaProps | undefined;
  readonly resource: boolean;
}

const DEDUCED: TypeCtx = { schema: undefined, resource: false };
const STRING_FIELD: TypeCtx = { schema: { type: 'string' }, resource: false };
const META: TypeCtx = { schema: objectMeta, resource: false };

const embedded = (s: JSONSchemaProps | undefined): boolean => s?.['x-kubernetes-embedded-resource'] === true;

export const resourceCtx = (schema: JSONSchemaProps | undefined): TypeCtx => ({ schema, resource: true });

/** The schema of `key` below `ctx`; `named` = a declared struct field (not a map entry). */
export function fieldOf(ctx: TypeCtx, key: string): { ctx: TypeCtx; named: boolean } {
  if (ctx.resource) {
    if (key === 'metadata') return { ctx: META, named: true };
    if (key === 'apiVersion' || key === 'kind') return { ctx: STRING_FIELD, named: true };
  }
  const s = ctx.schema;
  if (s?.properties && hasOwn(s.properties, key)) {
    const sub = s.properties[key];
    return { ctx: { schema: sub, resource: embedded(sub) }, named: true };
  }
  if (s && isPlainObject(s.additionalProperties)) {
    const ap = s.additionalProperties as JSONSchemaProps;
    return { ctx: { schema: ap, resource: embedded(ap) }, named: false };
  }
  return { ctx: DEDUCED, named: false };
}

export function itemOf(ctx: TypeCtx): TypeCtx {
  const items = ctx.schema?.items;
  return items ? { schema: items, resource: embedded(items) } : DEDUCED;
}

/** A declared struct: an object schema with its own properties (not a pure map). */
export const isStruct = (ctx: TypeCtx): boolean =>
  ctx.resource || (ctx.schema?.properties !== undefined && !isPlainObject(ctx.schema.additionalProperties));

export const isAtomicMap = (ctx: TypeCtx): boolean => ctx.schema?.['x-kubernetes-map-type'] === 'atomic';

export const isNullable = (ctx: TypeCtx): boolean => ctx.schema?.nullable === true;

export type ListType = 'atomic' | 'set' | 'map';

export function listTypeOf(ctx: TypeCtx): ListType {
  const lt = ctx.schema?.['x-kubernetes-list-type'];
  if (lt === 'map') return (ctx.schema?.['x-kubernetes-list-map-keys']?.length ?? 0) > 0 ? 'map' : 'set';
  return lt === 'set' ? 'set' : 'atomic';
}

/** Go's %q of a string list: `["containerPort" "protocol"]`. */
const goQuoteList = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

export type ElementName = { el: PathElement; error?: undefined } | { el?: undefined; error: string };

/**
 * The path element naming `item` in a granular list. A missing key field takes the schema's
 * default (so `{containerPort: 80}` is `k:{"containerPort":80,"protocol":"TCP"}`); one without
 * a default is left out of the key.
 */
export function elementName(listCtx: TypeCtx, item: unknown): ElementName {
  const s = listCtx.schema;
  if (listTypeOf(listCtx) === 'map') {
    const keys = s!['x-kubernetes-list-map-keys']!;
    if (item === null) return { error: 'associative list with keys may not have a null element' };
    if (!isPlainObject(item)) return { error: 'associative list with keys may not have non-map elements' };
    const fields: Record<string, unknown> = {};
    for (const k of keys) {
      if (hasOwn(item, k)) fields[k] = item[k];
      else {
        const def = s!.items?.properties?.[k]?.default;
        if (def !== undefined) fields[k] = def;
      }
    }
    if (Object.keys(fields).length === 0)
      return {
        error: `associative list with keys has an element that omits all key fields ${goQuoteList(keys)} (and doesn't have default values for any key fields)`,
      };
    return { el: keyElement(fields) };
  }
  if (isPlainObject(item)) return { error: "associative list without keys has an element that's a map type" };
  if (Array.isArray(item)) return { error: 'not supported: associative list with lists as elements' };
  if (item === null) return { error: "associative list without keys has an element that's an explicit null" };
  return { el: valueElement(item) };
}

/** Element names of a granular list, or undefined when an element cannot be named (then the list is handled as atomic). */
export function elementNames(listCtx: TypeCtx, list: unknown[]): PathElement[] | undefined {
  const out: PathElement[] = [];
  for (const item of list) {
    const n = elementName(listCtx, item);
    if (n.error !== undefined) return undefined;
    out.push(n.el);
  }
  return out;
}

export type Shape = 'map' | 'list' | 'leaf';

/** How a value is walked: a granular map, a granular list, or a leaf (scalar, null, atomic). */
export function shapeOf(ctx: TypeCtx, v: unknown): Shape {
  if (isPlainObject(v)) return isAtomicMap(ctx) ? 'leaf' : 'map';
  if (Array.isArray(v)) {
    if (listTypeOf(ctx) === 'atomic') return 'leaf';
    return elementNames(ctx, v) ? 'list' : 'leaf';
  }
  return 'leaf';
}

export const isEmptyContainer = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : isPlainObject(v) && Object.keys(v).length === 0);

// ---------------------------------------------------------------------------------------------
// Field sets

/**
 * Fields upstream never tracks (its "strip meta" set), plus the deletion fields our own write
 * paths may set. Only at the object's root.
 */
const STRIPPED_META = [
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'managedFields',
  'resourceVersion',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];
export const STRIPPED: ReadonlySet<Path> = new Set([
  fieldElement('apiVersion'),
  fieldElement('kind'),
  fieldElement('metadata'),
  ...STRIPPED_META.map((f) => child(fieldElement('metadata'), fieldElement(f))),
]);

/** Paths that identify the object: an apply always keeps them. */
export const IDENTITY: readonly Path[] = [
  fieldElement('apiVersion'),
  fieldElement('kind'),
  child(fieldElement('metadata'), fieldElement('name')),
  child(fieldElement('metadata'), fieldElement('namespace')),
];

export function stripMeta(set: FieldSet): FieldSet {
  for (const p of STRIPPED) set.delete(p);
  return set;
}

/**
 * The field set of a value: every scalar and atomic leaf, every map entry, every list element,
 * and struct fields whose value is null or `{}`. Granular containers are not members themselves.
 */
export function toFieldSet(value: unknown, ctx: TypeCtx): FieldSet {
  const out: FieldSet = new Set();
  collect(value, ctx, ROOT, out);
  return out;
}

function collect(v: unknown, ctx: TypeCtx, path: Path, out: FieldSet): void {
  const shape = shapeOf(ctx, v);
  if (shape === 'map') {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (val === undefined) continue;
      const f = fieldOf(ctx, k);
      const p = child(path, fieldElement(k));
      collect(val, f.ctx, p, out);
      if (!f.named || val === null || (isPlainObject(val) && Object.keys(val).length === 0)) out.add(p);
    }
    return;
  }
  if (shape === 'list') {
    const items = v as unknown[];
    const ic = itemOf(ctx);
    const names = elementNames(ctx, items)!;
    const count = new Map<PathElement, number>();
    for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
    names.forEach((n, i) => {
      const p = child(path, n);
      // A duplicated element is owned as a whole, never field by field.
      if (count.get(n)! === 1) collect(items[i], ic, p, out);
      out.add(p);
    });
    return;
  }
  if (path !== ROOT) out.add(path);
}

/** The tracked field set of a whole object (identity and server-owned metadata left out). */
export function objectFieldSet(obj: unknown, schema: JSONSchemaProps | undefined): FieldSet {
  return stripMeta(toFieldSet(obj, resourceCtx(schema)));
}

/** Every node reachable through granular maps and lists, by path (atomic values are single nodes). */
export function indexNodes(value: unknown, ctx: TypeCtx): Map<Path, unknown> {
  const out = new Map<Path, unknown>();
  const walk = (v: unknown, c: TypeCtx, path: Path) => {
    out.set(path, v);
    const shape = shapeOf(c, v);
    if (shape === 'map') {
      for (const [k, val] of Object.entries(v as Record<string, unknown>))
        if (val !== undefined) walk(val, fieldOf(c, k).ctx, child(path, fieldElement(k)));
    } else if (shape === 'list') {
      const ic = itemOf(c);
      const names = elementNames(c, v as unknown[])!;
      names.forEach((n, i) => {
        const p = child(path, n);
        if (!out.has(p)) walk((v as unknown[])[i], ic, p);
      });
    }
  };
  walk(value, ctx, ROOT);
  return out;
}

/**
 * `set` plus every struct field on the way to its members (upstream's
 * EnsureNamedFieldsAreMembers): owning `.spec.replicas` also claims the `.spec` struct, but
 * owning `.metadata.labels.app` does not claim a list element or map entry on the way.
 */
export function withNamedAncestors(set: Iterable<Path>, root: TypeCtx): FieldSet {
  const out: FieldSet = new Set();
  const named = new Map<Path, { ctx: TypeCtx; named: boolean }>();
  for (const p of set) {
    out.add(p);
    let ctx = root;
    let path = ROOT;
    for (const el of elementsOf(p)) {
      path = child(path, el);
      let hit = named.get(path);
      if (!hit) {
        hit = el.startsWith('f:') ? fieldOf(ctx, el.slice(2)) : { ctx: itemOf(ctx), named: false };
        named.set(path, hit);
      }
      if (hit.named) out.add(path);
      ctx = hit.ctx;
    }
  }
  return out;
}
