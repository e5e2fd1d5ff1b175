/**
 * Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), apiserver-compat.md
 * §6.1. Behaves like upstream's `strategicpatch.StrategicMergePatch` on the apply side: maps merge,
 * lists are replaced unless the schema marks them `x-kubernetes-patch-strategy: merge`, and the
 * `$patch`, `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…` directives apply.
 *
 * Deliberate differences from upstream, all on inputs kubectl never sends:
 * - directives never reach the result, also inside values that the live object lacks;
 * - `$patch: merge` is accepted (as the default it names) instead of rejected;
 * - `$deleteFromPrimitiveList` deletes whatever the field's strategy, and runs after the other keys.
 */
import type { JSONSchemaProps } from '../schema/types.js';
import { PatchApplyError, PatchDecodeError } from './errors.js';
import {
  cloneJson,
  defineValue,
  hasOwn,
  isPlainObject,
  jsonEqual,
  type JsonObject,
} from '../../util/json.js';
import { orderLikeUpstream, orderBySetElementOrder, checkSetElementOrder } from './strategic-order.js';

const PATCH_DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER_PREFIX = '$setElementOrder/';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList/';

/** Returned by `materialize` when a value must not appear at all (`{"$patch": "delete"}`). */
const DROP = Symbol('drop');

/**
 * Applies a strategic merge patch. `schema` is the object's schema; its patch extensions decide how
 * lists merge. Without a schema (or without extensions on a node) maps merge and lists are replaced.
 * Neither input is changed.
 */
export function applyStrategicMergePatch(
  doc: unknown,
  patch: unknown,
  schema: JSONSchemaProps | undefined,
): unknown {
  if (!isPlainObject(patch))
    throw new PatchDecodeError('strategic merge patch: the patch must be a JSON object');
  if (doc !== undefined && doc !== null && !isPlainObject(doc)) {
    throw new PatchApplyError('strategic merge patch: the document must be a JSON object');
  }
  const target: JsonObject = isPlainObject(doc) ? cloneJson(doc) : {};
  return mergeMap(target, patch, schema);
}

// ---------------------------------------------------------------------------------------------
// Schema lookup

interface PatchMeta {
  merge: boolean;
  replace: boolean;
  mergeKey?: string;
}

function patchMeta(node: JSONSchemaProps | undefined): PatchMeta {
  const raw =
    node?.['x-kubernetes-patch-strategy'] ?? findInAllOf(node, (s) => s['x-kubernetes-patch-strategy']);
  const strategies = (raw ?? '').split(',').map((s) => s.trim());
  return {
    merge: strategies.includes('merge'),
    replace: strategies.includes('replace'),
    mergeKey:
      node?.['x-kubernetes-patch-merge-key'] ?? findInAllOf(node, (s) => s['x-kubernetes-patch-merge-key']),
  };
}

/** The schema of field `key` of an object node: `properties`, then `additionalProperties`. */
function fieldSchema(node: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  if (!node) return undefined;
  const own = (s: JSONSchemaProps) =>
    s.properties && hasOwn(s.properties, key) ? s.properties[key] : undefined;
  const direct = own(node);
  if (direct) return direct;
  const fromAllOf = findInAllOf(node, own);
  if (fromAllOf) return fromAllOf;
  const ap = node.additionalProperties ?? findInAllOf(node, (s) => s.additionalProperties);
  return typeof ap === 'object' ? ap : undefined;
}

function itemSchema(node: JSONSchemaProps | undefined): JSONSchemaProps | undefined {
  return node?.items ?? findInAllOf(node, (s) => s.items);
}

/** OpenAPI documents often wrap a referenced type as `allOf: [T]` with the extensions outside. */
function findInAllOf<T>(
  node: JSONSchemaProps | undefined,
  pick: (s: JSONSchemaProps) => T | undefined,
): T | undefined {
  for (const s of node?.allOf ?? []) {
    const v = pick(s);
    if (v !== undefined) return v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Maps

/** Merges `patch` into `target`, which this module owns and may change; `patch` is only read. */
function mergeMap(target: JsonObject, patch: JsonObject, schema: JSONSchemaProps | undefined): JsonObject {
  if (hasOwn(patch, PATCH_DIRECTIVE)) {
    const d = patch[PATCH_DIRECTIVE];
    if (d === 'replace') return mergeMap({}, withoutPatchDirective(patch), schema);
    if (d === 'delete') return {};
    if (d !== 'merge') throw badPatchType(d, patch);
  }

  if (hasOwn(patch, RETAIN_KEYS)) applyRetainKeys(target, patch);

  // Lists with an explicit order are merged first, then ordered (upstream mergePatchIntoOriginal).
  const ordered = new Set<string>();
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER_PREFIX)) continue;
    const field = directiveField(key, SET_ORDER_PREFIX);
    if (mergeOrderedList(target, patch, field, patch[key], fieldSchema(schema, field))) ordered.add(field);
  }

  for (const key of Object.keys(patch)) {
    if (key === PATCH_DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ORDER_PREFIX)) continue;
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) continue; // applied below, once the lists are merged
    if (key.startsWith('$'))
      throw new PatchApplyError(`unknown strategic merge patch directive ${JSON.stringify(key)}`);
    if (ordered.has(key)) continue;
    const pv = patch[key];
    if (pv === null) {
      delete target[key];
      continue;
    }
    const next = hasOwn(target, key)
      ? mergeValue(target[key], pv, fieldSchema(schema, key))
      : materialize(pv, fieldSchema(schema, key));
    if (next === DROP) delete target[key];
    else defineValue(target, key, next);
  }

  for (const key of Object.keys(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE_PREFIX))
      deleteFromPrimitiveList(target, directiveField(key, DELETE_PRIMITIVE_PREFIX), patch[key]);
  }
  return target;
}

function mergeValue(live: unknown, pv: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (isPlainObject(live) && isPlainObject(pv)) {
    if (patchMeta(schema).replace) {
      // `patchStrategy: replace` maps (PodDisruptionBudget selector) take the patch as it is.
      return pv[PATCH_DIRECTIVE] === 'delete' ? {} : mergeMap({}, withoutPatchDirective(pv), schema);
    }
    return mergeMap(live, pv, schema);
  }
  if (Array.isArray(live) && Array.isArray(pv)) {
    const meta = patchMeta(schema);
    return meta.merge ? mergeList(live, pv, schema, meta) : materializeList(pv, schema);
  }
  return materialize(pv, schema);
}

/** `$retainKeys`: every key the patch sets must be listed; live keys that are not listed go. */
function applyRetainKeys(target: JsonObject, patch: JsonObject): void {
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list) || !list.every((k) => typeof k === 'string')) {
    throw new PatchApplyError('invalid patch format of retainKeys');
  }
  const keep = new Set(list as string[]);
  for (const k of Object.keys(patch)) {
    if (k.startsWith('$') || patch[k] === null) continue;
    if (!keep.has(k))
      throw new PatchApplyError(`invalid patch format of retainKeys: ${JSON.stringify(k)} is not retained`);
  }
  for (const k of Object.keys(target)) if (!keep.has(k)) delete target[k];
}

function deleteFromPrimitiveList(target: JsonObject, field: string, values: unknown): void {
  if (values === null) return;
  if (!Array.isArray(values)) throw new PatchApplyError('invalid patch format of primitive list');
  const live = target[field];
  if (!hasOwn(target, field) || !Array.isArray(live)) return;
  defineValue(
    target,
    field,
    live.filter((v) => !values.some((d) => jsonEqual(d, v))),
  );
}

/**
 * Handles `$setElementOrder/<field>` together with the patch's `<field>` list. Returns whether
 * `<field>` of the patch has been dealt with.
 */
function mergeOrderedList(
  target: JsonObject,
  patch: JsonObject,
  field: string,
  order: unknown,
  schema: JSONSchemaProps | undefined,
): boolean {
  if (!Array.isArray(order)) throw new PatchApplyError(`invalid patch format of ${SET_ORDER_PREFIX}${field}`);
  const inLive = hasOwn(target, field) && target[field] !== null;
  const inPatch = hasOwn(patch, field);
  const live = target[field];
  const patchList = patch[field];
  if (inLive && !Array.isArray(live))
    throw new PatchApplyError(`${SET_ORDER_PREFIX}${field}: ${field} is not a list`);
  if (inPatch && !Array.isArray(patchList))
    throw new PatchApplyError(`${SET_ORDER_PREFIX}${field}: ${field} in the patch is not a list`);
  if (!inLive && !inPatch) return false;

  const meta = patchMeta(schema);
  const liveList = (inLive ? live : []) as unknown[];
  const patchItems = (inPatch ? patchList : []) as unknown[];
  const objects = [...liveList, ...patchItems, ...order].some(isPlainObject);
  // Without a merge key there is no way to match objects to the order list: keep the list as merged.
  const orderable = !objects || meta.mergeKey !== undefined;
  if (orderable) checkSetElementOrder(patchItems, order, objects ? meta.mergeKey : undefined);

  let merged: unknown[];
  let liveView = liveList;
  if (!inPatch) merged = liveList;
  else if (!inLive) merged = materializeList(patchItems, schema);
  else if (!meta.merge) merged = materializeList(patchItems, schema);
  else ({ merged, liveView } = mergeListWithView(liveList, patchItems, schema, meta));

  defineValue(
    target,
    field,
    orderable ? orderBySetElementOrder(merged, order, liveView, objects ? meta.mergeKey : undefined) : merged,
  );
  return true;
}

// ---------------------------------------------------------------------------------------------
// Lists

function mergeList(
  live: unknown[],
  patchList: unknown[],
  schema: JSONSchemaProps | undefined,
  meta: PatchMeta,
): unknown[] {
  return mergeListWithView(live, patchList, schema, meta).merged;
}

interface MergedList {
  merged: unknown[];
  /**
   * The live list as upstream's `$setElementOrder` step sees it afterwards. Upstream deletes and
   * appends in place, inside the array that still backs its view of the live list, so that view
   * ends up as: the survivors of the deletions, then the appended elements, then stale leftovers,
   * cut to the live list's length. Server-only elements are placed by that view, and kubectl's
   * order for lists that other writers also added to depends on it.
   */
  liveView: unknown[];
}

function mergeListWithView(
  live: unknown[],
  patchList: unknown[],
  schema: JSONSchemaProps | undefined,
  meta: PatchMeta,
): MergedList {
  if (live.length === 0 && patchList.length === 0) return { merged: live, liveView: live };
  const objects = elementKind(live, patchList);
  if (!objects) return { merged: mergePrimitiveList(live, patchList), liveView: live };

  const mergeKey = meta.mergeKey;
  if (mergeKey === undefined) throw new PatchApplyError('cannot merge lists of objects without a merge key');
  const items = itemSchema(schema);
  const sameKey = (e: unknown, key: unknown) =>
    isPlainObject(e) && hasOwn(e, mergeKey) && jsonEqual(e[mergeKey], key);

  // Directive elements first: deletions from the live list, or a replacement of it.
  const view = [...live];
  let length = live.length;
  let replace = false;
  const regular: JsonObject[] = [];
  for (const el of patchList as JsonObject[]) {
    if (!hasOwn(el, PATCH_DIRECTIVE)) {
      regular.push(el);
      continue;
    }
    const d = el[PATCH_DIRECTIVE];
    if (d === 'delete') {
      if (!hasOwn(el, mergeKey)) throw noMergeKey(el, mergeKey);
      let i: number;
      while ((i = firstIndex(view, length, el[mergeKey], sameKey)) >= 0) {
        view.copyWithin(i, i + 1, length);
        length--;
      }
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      const rest = withoutPatchDirective(el);
      if (Object.keys(rest).length > 0) regular.push(rest);
    } else {
      throw badPatchType(d, el);
    }
  }
  const base = view.slice(0, length);
  if (replace) return { merged: materializeList(regular, schema), liveView: view };

  const merged = [...base];
  for (const el of regular) {
    if (!hasOwn(el, mergeKey)) throw noMergeKey(el, mergeKey);
    const i = merged.findIndex((e) => sameKey(e, el[mergeKey]));
    if (i >= 0) {
      merged[i] = mergeMap(merged[i] as JsonObject, el, items);
    } else {
      merged.push(mergeMap({}, el, items));
      if (merged.length <= view.length) view[merged.length - 1] = merged[merged.length - 1];
    }
  }
  return { merged: orderLikeUpstream(merged, regular, base, mergeKey), liveView: view };
}

function firstIndex(
  list: unknown[],
  length: number,
  key: unknown,
  sameKey: (e: unknown, key: unknown) => boolean,
): number {
  for (let i = 0; i < length; i++) if (sameKey(list[i], key)) return i;
  return -1;
}

/** Union of primitive lists without duplicates, ordered like a keyed list (values are their own keys). */
function mergePrimitiveList(live: unknown[], patchList: unknown[]): unknown[] {
  return orderLikeUpstream(uniq([...live, ...patchList]), uniq(patchList), live, undefined);
}

/** true: the elements are objects; false: primitives. Mixed lists cannot be merged. */
function elementKind(...lists: unknown[][]): boolean {
  let objects: boolean | undefined;
  for (const list of lists) {
    for (const el of list) {
      if (Array.isArray(el))
        throw new PatchApplyError('lists of lists are not supported by strategic merge patch');
      const isObj = isPlainObject(el);
      if (objects === undefined) objects = isObj;
      else if (objects !== isObj) throw new PatchApplyError('list element types are not identical');
    }
  }
  return objects ?? false;
}

function uniq(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values the live object lacks: taken from the patch, with directives resolved and nulls dropped.

function materialize(pv: unknown, schema: JSONSchemaProps | undefined): unknown {
  if (Array.isArray(pv)) return materializeList(pv, schema);
  if (isPlainObject(pv)) {
    if (hasOwn(pv, PATCH_DIRECTIVE)) {
      const d = pv[PATCH_DIRECTIVE];
      if (d === 'delete') return DROP;
      if (d !== 'replace' && d !== 'merge') throw badPatchType(d, pv);
      return mergeMap({}, withoutPatchDirective(pv), schema);
    }
    return mergeMap({}, pv, schema);
  }
  return pv;
}

/**
 * A patch list used as it is (replaced lists, lists the live object lacks). Directive elements have
 * nothing to act on and are left out, like upstream's removeDirectives.
 */
function materializeList(list: unknown[], schema: JSONSchemaProps | undefined): unknown[] {
  const items = itemSchema(schema);
  const out: unknown[] = [];
  for (const el of list) {
    if (isPlainObject(el) && hasOwn(el, PATCH_DIRECTIVE)) {
      const d = el[PATCH_DIRECTIVE];
      if (d !== 'replace' && d !== 'delete' && d !== 'merge') throw badPatchType(d, el);
      const rest = withoutPatchDirective(el);
      if (d === 'merge' && Object.keys(rest).length > 0) out.push(mergeMap({}, rest, items));
      continue;
    }
    const v = materialize(el, items);
    if (v !== DROP) out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function withoutPatchDirective(m: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(m)) if (k !== PATCH_DIRECTIVE) defineValue(out, k, m[k]);
  return out;
}

function directiveField(key: string, prefix: string): string {
  const field = key.slice(prefix.length);
  if (!field) throw new PatchApplyError(`invalid patch directive ${JSON.stringify(key)}`);
  return field;
}

function badPatchType(d: unknown, m: JsonObject): PatchApplyError {
  return new PatchApplyError(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(m)}`);
}

function noMergeKey(m: JsonObject, key: string): PatchApplyError {
  return new PatchApplyError(`map: ${JSON.stringify(m)} does not contain declared merge key: ${key}`);
}
