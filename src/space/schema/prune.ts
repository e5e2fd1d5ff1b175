/**
 * Pruning: drop every field the structural schema does not declare (CRDs), or list them without
 * dropping (strict field validation of built-ins). Paths are in upstream's unknown-field notation,
 * `spec.foo` / `spec.containers[0].bar`, as in `strict decoding error: unknown field "spec.foo"`.
 *
 * The rules (apiserver-compat.md §14.2): at a resource root (the object itself, or any
 * `x-kubernetes-embedded-resource` node) string `apiVersion`/`kind` and object `metadata` are not
 * pruned by the schema, and `metadata` is reduced to the ObjectMeta fields instead. A
 * `x-kubernetes-preserve-unknown-fields` node keeps what it does not declare, while what it does
 * declare is still pruned by its own schema.
 */
import { childPath, hasOwn, indexPath, isPlainObject } from './json.js';
import type { JSONSchemaProps } from './types.js';

/** The fields of metav1.ObjectMeta; anything else under a resource's `metadata` is unknown. */
export const OBJECT_META_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

// Lists of structs inside ObjectMeta, whose entries are pruned to their declared fields as well.
const OWNER_REFERENCE_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'kind',
  'name',
  'uid',
  'controller',
  'blockOwnerDeletion',
]);
const MANAGED_FIELDS_ENTRY_FIELDS: ReadonlySet<string> = new Set([
  'manager',
  'operation',
  'apiVersion',
  'time',
  'fieldsType',
  'fieldsV1',
  'subresource',
]);

export interface PruneOptions {
  /** The value is a whole Kubernetes object (default true): apiVersion/kind/metadata are kept. */
  root?: boolean;
}

interface Walk {
  mutate: boolean;
  unknown: string[];
}

/** Removes (in place) the fields `schema` does not declare and returns their paths. */
export function prune(obj: any, schema: JSONSchemaProps | undefined, opts: PruneOptions = {}): string[] {
  const w: Walk = { mutate: true, unknown: [] };
  // No schema at all means "accept anything" (ResourceDef.schema), not "prune everything".
  if (schema) walk(obj, schema, '', opts.root ?? true, w);
  return w.unknown;
}

/** The paths `prune` would remove, without changing `obj`. */
export function findUnknownFields(
  obj: any,
  schema: JSONSchemaProps | undefined,
  opts: PruneOptions = {},
): string[] {
  const w: Walk = { mutate: false, unknown: [] };
  if (schema) walk(obj, schema, '', opts.root ?? true, w);
  return w.unknown;
}

function drop(o: Record<string, unknown>, k: string, path: string, w: Walk): void {
  w.unknown.push(childPath(path, k));
  if (w.mutate) delete o[k];
}

const isEmbedded = (s: JSONSchemaProps | undefined): boolean =>
  s?.['x-kubernetes-embedded-resource'] === true;

/** The schema map values are checked against: a schema, `true` (anything, nested objects emptied) or none. */
function additionalOf(s: JSONSchemaProps): { schema?: JSONSchemaProps } | undefined {
  const ap = s.additionalProperties;
  if (isPlainObject(ap)) return { schema: ap as JSONSchemaProps };
  if (ap === true) return {};
  return undefined;
}

/**
 * At a resource root, apiVersion/kind strings are kept and metadata objects go to ObjectMeta
 * pruning. Returns true when `k` was handled that way.
 */
function handledAsResourceMeta(o: Record<string, unknown>, k: string, path: string, w: Walk): boolean {
  const v = o[k];
  if ((k === 'apiVersion' || k === 'kind') && typeof v === 'string') return true;
  if (k === 'metadata' && isPlainObject(v)) {
    pruneObjectMeta(v, childPath(path, 'metadata'), w);
    return true;
  }
  return false;
}

function walk(
  x: unknown,
  s: JSONSchemaProps | undefined,
  path: string,
  resourceRoot: boolean,
  w: Walk,
): void {
  if (s?.['x-kubernetes-preserve-unknown-fields']) {
    walkPreserving(x, s, path, resourceRoot, w);
    return;
  }
  if (Array.isArray(x)) {
    x.forEach((v, i) => walk(v, s?.items, indexPath(path, i), isEmbedded(s?.items), w));
    return;
  }
  if (!isPlainObject(x)) return; // scalars (incl. int-or-string values) have nothing to prune
  const additional = s && additionalOf(s);
  for (const k of Object.keys(x)) {
    if (resourceRoot && handledAsResourceMeta(x, k, path, w)) continue;
    if (s?.properties && hasOwn(s.properties, k)) {
      const sub = s.properties[k];
      walk(x[k], sub, childPath(path, k), isEmbedded(sub), w);
    } else if (additional) {
      walk(x[k], additional.schema, childPath(path, k), isEmbedded(additional.schema), w);
    } else {
      drop(x, k, path, w);
    }
  }
}

/** Under x-kubernetes-preserve-unknown-fields: undeclared fields stay, declared ones are pruned normally. */
function walkPreserving(x: unknown, s: JSONSchemaProps, path: string, resourceRoot: boolean, w: Walk): void {
  if (Array.isArray(x)) {
    // Upstream keeps preserving into the items of a preserving array.
    const items = s.items;
    if (items) x.forEach((v, i) => walkPreserving(v, items, indexPath(path, i), isEmbedded(items), w));
    return;
  }
  if (!isPlainObject(x)) return;
  const additional = additionalOf(s);
  for (const k of Object.keys(x)) {
    if (resourceRoot && handledAsResourceMeta(x, k, path, w)) continue;
    if (s.properties && hasOwn(s.properties, k)) {
      const sub = s.properties[k];
      walk(x[k], sub, childPath(path, k), isEmbedded(sub), w);
    } else if (additional?.schema) {
      walk(x[k], additional.schema, childPath(path, k), isEmbedded(additional.schema), w);
    }
  }
}

function pruneStructList(list: unknown, fields: ReadonlySet<string>, path: string, w: Walk): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    if (!isPlainObject(entry)) return;
    for (const k of Object.keys(entry)) if (!fields.has(k)) drop(entry, k, indexPath(path, i), w);
  });
}

function pruneObjectMeta(meta: Record<string, unknown>, path: string, w: Walk): void {
  for (const k of Object.keys(meta)) if (!OBJECT_META_FIELDS.has(k)) drop(meta, k, path, w);
  pruneStructList(meta.ownerReferences, OWNER_REFERENCE_FIELDS, childPath(path, 'ownerReferences'), w);
  pruneStructList(meta.managedFields, MANAGED_FIELDS_ENTRY_FIELDS, childPath(path, 'managedFields'), w);
}
