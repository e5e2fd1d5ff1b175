import type { JSONSchemaProps } from '../schema/types.js';

/**
 * A tiny DSL for writing the built-in kinds' schemas as data. The result is the same
 * JSONSchemaProps that CRDs use, so one set of tools (pruning, strict field validation, OpenAPI,
 * strategic-merge keys, SSA list types) serves both.
 *
 * Schemas are shared by reference between kinds (PodSpec appears in eight places): treat every
 * value returned here as read-only.
 */
export type Schema = JSONSchemaProps;

export interface ScalarOpts {
  enum?: unknown[];
  default?: unknown;
  format?: string;
  description?: string;
}

function scalar(type: Schema['type'], o: ScalarOpts, format?: string): Schema {
  const s: Schema = { type };
  const f = o.format ?? format;
  if (f) s.format = f;
  if (o.enum) s.enum = o.enum;
  if (o.default !== undefined) s.default = o.default;
  if (o.description) s.description = o.description;
  return s;
}

export const str = (o: ScalarOpts = {}): Schema => scalar('string', o);
/** int32 unless told otherwise, as most Kubernetes integers are. */
export const int = (o: ScalarOpts = {}): Schema => scalar('integer', o, 'int32');
export const int64 = (o: ScalarOpts = {}): Schema => scalar('integer', o, 'int64');
export const num = (o: ScalarOpts = {}): Schema => scalar('number', o, 'double');
export const bool = (o: ScalarOpts = {}): Schema => scalar('boolean', o);
/** []byte: base64 text on the wire. */
export const bytes = (): Schema => ({ type: 'string', format: 'byte' });

/** intstr.IntOrString (ports, maxSurge, minAvailable...). */
export const intOrString = (): Schema => ({
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
});

/** resource.Quantity: clients send numbers (`cpu: 1`) as well as strings (`cpu: 500m`). */
export const quantity = (): Schema => ({
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
});

/** metav1.Time / MicroTime: RFC 3339 text the table printer may humanise. */
export const time = (): Schema => ({ type: 'string', format: 'date-time', 'x-kstellar-time': true });

/** An object whose fields are not described: anything goes below it. */
export const anyObj = (): Schema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });

/** Any JSON value (runtime.RawExtension, JSON): no type, unknown fields kept. */
export const anyValue = (): Schema => ({ 'x-kubernetes-preserve-unknown-fields': true });

export interface MapOpts {
  mapType?: 'atomic' | 'granular';
}

/** map[string]T. */
export function map(values: Schema, o: MapOpts = {}): Schema {
  const s: Schema = { type: 'object', additionalProperties: values };
  if (o.mapType) s['x-kubernetes-map-type'] = o.mapType;
  return s;
}

export const strMap = (o: MapOpts = {}): Schema => map(str(), o);
/** ResourceList (map of resource name to quantity). */
export const resourceList = (): Schema => map(quantity());

export interface ListOpts {
  /** SSA list type; `mapKeys` alone implies `map`. */
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: string[];
  /** Strategic-merge-patch metadata (apiserver-compat.md §6.1). */
  mergeKey?: string;
  strategy?: string;
}

export function arr(items: Schema, o: ListOpts = {}): Schema {
  const s: Schema = { type: 'array', items };
  const listType = o.listType ?? (o.mapKeys ? 'map' : undefined);
  if (listType) s['x-kubernetes-list-type'] = listType;
  if (o.mapKeys) s['x-kubernetes-list-map-keys'] = o.mapKeys;
  if (o.mergeKey) s['x-kubernetes-patch-merge-key'] = o.mergeKey;
  if (o.strategy) s['x-kubernetes-patch-strategy'] = o.strategy;
  return s;
}

/** Shorthands for the two most common list shapes. */
export const atomic = (items: Schema): Schema => arr(items, { listType: 'atomic' });
export const strList = (): Schema => atomic(str());

export interface ObjOpts {
  /** `+structType=atomic`: SSA replaces the struct as a whole. */
  atomic?: boolean;
  /** Keep fields the schema does not declare (subtrees we do not describe in detail). */
  preserveUnknown?: boolean;
  description?: string;
}

export function obj(properties: Record<string, Schema>, o: ObjOpts = {}): Schema {
  const s: Schema = { type: 'object', properties };
  if (o.atomic) s['x-kubernetes-map-type'] = 'atomic';
  if (o.preserveUnknown) s['x-kubernetes-preserve-unknown-fields'] = true;
  if (o.description) s.description = o.description;
  return s;
}

/** A copy of `s` with strategic-merge metadata on a non-list field (retainKeys, replace). */
export function patchStrategy(s: Schema, strategy: string): Schema {
  return { ...s, 'x-kubernetes-patch-strategy': strategy };
}

/** `base` plus extra properties (Go struct embedding). */
export function extend(base: Schema, properties: Record<string, Schema>, o: ObjOpts = {}): Schema {
  const merged = obj({ ...(base.properties ?? {}), ...properties }, o);
  if (base['x-kubernetes-map-type'] && !o.atomic)
    merged['x-kubernetes-map-type'] = base['x-kubernetes-map-type'];
  return merged;
}
