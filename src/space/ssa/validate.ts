/**
 * Checks on an apply body before anything is merged (apiserver-compat.md §3.3, §7.1):
 *  - its apiVersion and kind must be the resource's (400 `invalid object type: …`);
 *  - `metadata.managedFields` must be absent (400 `metadata.managedFields must be nil`);
 *  - it must convert to the kind's type: no undeclared field, list-map elements with key
 *    fields and no duplicates. Upstream fails that conversion with a plain error, i.e. a 500
 *    with an empty reason: `failed to create typed patch object (default/web; apps/v1,
 *    Kind=Deployment): .spec.foo: field not declared in schema`.
 */
import { ApiError } from '../errors.js';
import { isPlainObject } from '../schema/json.js';
import { findUnknownFields } from '../schema/prune.js';
import type { JSONSchemaProps } from '../schema/types.js';
import type { KObject } from '../types.js';
import { elementString } from './fieldpath.js';
import { elementName, fieldOf, itemOf, listTypeOf, resourceCtx, shapeOf, type TypeCtx } from './typed.js';

export interface ApplyKindInfo {
  /** The resource's `group/version` (`v1` for core). */
  apiVersion: string;
  kind: string;
  /** `namespace/name` (`/name` for cluster-scoped objects), as upstream prints it in messages. */
  objectRef: string;
}

/** 400 for a malformed apply body. */
export class ApplyBodyError extends ApiError {
  constructor(message: string) {
    super({ code: 400, reason: 'BadRequest', message });
    this.name = 'ApplyBodyError';
  }
}

/** 500 with an empty reason: the apply body does not fit the kind's type. */
export class ApplyUndeclaredFieldError extends ApiError {
  readonly problems: string[];
  constructor(message: string, problems: string[]) {
    super({ code: 500, message });
    this.name = 'ApplyUndeclaredFieldError';
    this.problems = problems;
  }
}

/** `apps/v1, Kind=Deployment`, `/v1, Kind=ConfigMap` (Go's GroupVersionKind.String()). */
export function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.indexOf('/');
  const group = slash < 0 ? '' : av.slice(0, slash);
  const version = slash < 0 ? av : av.slice(slash + 1);
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

export function validateApplyBody(
  applied: KObject,
  schema: JSONSchemaProps | undefined,
  kindInfo: ApplyKindInfo,
): void {
  if (applied.apiVersion !== kindInfo.apiVersion || applied.kind !== kindInfo.kind)
    throw new ApplyBodyError(`invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  const md = applied.metadata as Record<string, unknown> | undefined;
  if (isPlainObject(md) && md.managedFields !== undefined && md.managedFields !== null)
    throw new ApplyBodyError('metadata.managedFields must be nil');
  const problems = typeProblems(applied, schema);
  if (problems.length) {
    const detail =
      problems.length === 1 ? problems[0] : ['errors:', ...problems.map((p) => `  ${p}`)].join('\n');
    throw new ApplyUndeclaredFieldError(
      `failed to create typed patch object (${kindInfo.objectRef}; ${gvkString(applied.apiVersion, applied.kind)}): ${detail}`,
      problems,
    );
  }
}

/** Everything that keeps the body from converting to the kind's type, in upstream's wording. */
export function typeProblems(applied: KObject, schema: JSONSchemaProps | undefined): string[] {
  const root = resourceCtx(schema);
  const out: string[] = [];
  // Undeclared fields, by the same rules as pruning; upstream reports one per object.
  const seenParents = new Set<string>();
  for (const p of findUnknownFields(applied, schema, { root: true })) {
    const at = locate(applied, root, p);
    if (!at || seenParents.has(at.parent)) continue;
    seenParents.add(at.parent);
    out.push(`${at.parent}${at.last}: field not declared in schema`);
  }
  listProblems(applied, root, '', out);
  return out;
}

/**
 * Turns a pruning path (`spec.template.spec.containers[0].foo`) into upstream's notation
 * (`.spec.template.spec.containers[name="nginx"]` + `.foo`) by walking the object, so keys that
 * contain dots resolve correctly.
 */
function locate(obj: unknown, root: TypeCtx, path: string): { parent: string; last: string } | undefined {
  let cur: unknown = obj;
  let ctx = root;
  let pos = 0;
  const parts: string[] = [];
  while (pos < path.length) {
    if (path[pos] === '[') {
      const end = path.indexOf(']', pos);
      const idx = Number(path.slice(pos + 1, end));
      if (!Array.isArray(cur) || end < 0) return undefined;
      const item = cur[idx];
      const named = shapeOf(ctx, cur) === 'list' ? elementName(ctx, item).el : undefined;
      parts.push(named ? elementString(named) : `[${idx}]`);
      cur = item;
      ctx = itemOf(ctx);
      pos = end + 1;
      continue;
    }
    if (path[pos] === '.') pos++;
    if (!isPlainObject(cur)) return undefined;
    // The longest key of this object that the rest of the path starts with.
    let key: string | undefined;
    for (const k of Object.keys(cur)) {
      const next = path[pos + k.length];
      if (
        path.startsWith(k, pos) &&
        (next === undefined || next === '.' || next === '[') &&
        (key === undefined || k.length > key.length)
      )
        key = k;
    }
    if (key === undefined) return undefined;
    parts.push(`.${key}`);
    cur = cur[key];
    ctx = fieldOf(ctx, key).ctx;
    pos += key.length;
  }
  if (!parts.length) return undefined;
  return { parent: parts.slice(0, -1).join(''), last: parts[parts.length - 1] };
}

/** List-map and set elements that cannot be named, and duplicates. */
function listProblems(v: unknown, ctx: TypeCtx, path: string, out: string[]): void {
  if (isPlainObject(v)) {
    if (ctx.schema?.['x-kubernetes-map-type'] === 'atomic') return;
    for (const [k, val] of Object.entries(v)) listProblems(val, fieldOf(ctx, k).ctx, `${path}.${k}`, out);
    return;
  }
  if (!Array.isArray(v)) return;
  const ic = itemOf(ctx);
  if (listTypeOf(ctx) === 'atomic') {
    v.forEach((item, i) => listProblems(item, ic, `${path}[${i}]`, out));
    return;
  }
  const seen = new Set<string>();
  for (let i = 0; i < v.length; i++) {
    const n = elementName(ctx, v[i]);
    if (n.error !== undefined) {
      out.push(`${path}: element ${i}: ${n.error}`);
      return;
    }
    if (seen.has(n.el)) out.push(`${path}: duplicate entries for key ${elementString(n.el)}`);
    seen.add(n.el);
    listProblems(v[i], ic, `${path}${elementString(n.el)}`, out);
  }
}
