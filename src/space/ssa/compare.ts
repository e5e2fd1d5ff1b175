/**
 * What changed between two versions of an object, as field paths (upstream's typed Compare):
 * leaves whose value differs are `modified`; nodes only in the new object are `added` and nodes
 * only in the old one `removed`, containers and their leaves alike. An empty or null container
 * compares as a leaf, so `{}` → `{}` is no change.
 */
import { deepEqual, isPlainObject } from '../schema/json.js';
import {
  ROOT,
  child,
  fieldElement,
  lastElement,
  type FieldSet,
  type Path,
  type PathElement,
} from './fieldpath.js';
import { elementNames, fieldOf, isEmptyContainer, isStruct, itemOf, shapeOf, type TypeCtx } from './typed.js';

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
  /** Added struct fields holding non-empty declared structs (writers do not claim these themselves). */
  addedStructs: FieldSet;
}

export function compareValues(oldValue: unknown, newValue: unknown, ctx: TypeCtx): Comparison {
  const c: Comparison = {
    added: new Set(),
    removed: new Set(),
    modified: new Set(),
    addedStructs: new Set(),
  };
  walk(oldValue, newValue, ctx, ROOT, c);
  return c;
}

/** The shape both sides share, or 'leaf' when they disagree (a type change is a modification). */
function pairShape(ctx: TypeCtx, l: unknown, r: unknown): 'map' | 'list' | 'leaf' {
  const sl = l === undefined || l === null ? undefined : shapeOf(ctx, l);
  const sr = r === undefined || r === null ? undefined : shapeOf(ctx, r);
  if (sl && sr && sl !== sr) return 'leaf';
  const s = sl ?? sr ?? 'leaf';
  if (s !== 'leaf' && isEmptyContainer(l) && isEmptyContainer(r)) return 'leaf';
  return s;
}

function walk(l: unknown, r: unknown, ctx: TypeCtx, path: Path, c: Comparison): void {
  if (l === undefined && r === undefined) return;
  const shape = pairShape(ctx, l, r);
  if (shape === 'leaf') {
    if (path === ROOT) return;
    if (l === undefined) c.added.add(path);
    else if (r === undefined) c.removed.add(path);
    else if (!deepEqual(l, r)) c.modified.add(path);
    return;
  }
  if (shape === 'map') {
    const lm = isPlainObject(l) ? l : {};
    const rm = isPlainObject(r) ? r : {};
    const keys = new Set([...Object.keys(lm), ...Object.keys(rm)]);
    for (const k of keys) walk(lm[k], rm[k], fieldOf(ctx, k).ctx, child(path, fieldElement(k)), c);
  } else {
    walkList(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], ctx, path, c);
  }
  if (path === ROOT) return;
  if (l === undefined) {
    c.added.add(path);
    if (shape === 'map' && isStruct(ctx) && lastElement(path).startsWith('f:')) c.addedStructs.add(path);
  } else if (r === undefined) c.removed.add(path);
}

function group(list: unknown[], names: PathElement[]): Map<PathElement, unknown[]> {
  const out = new Map<PathElement, unknown[]>();
  names.forEach((n, i) => {
    const g = out.get(n);
    if (g) g.push(list[i]);
    else out.set(n, [list[i]]);
  });
  return out;
}

function walkList(l: unknown[], r: unknown[], ctx: TypeCtx, path: Path, c: Comparison): void {
  const ic = itemOf(ctx);
  const lg = group(l, elementNames(ctx, l) ?? []);
  const rg = group(r, elementNames(ctx, r) ?? []);
  const names = new Set([...lg.keys(), ...rg.keys()]);
  for (const n of names) {
    const ls = lg.get(n) ?? [];
    const rs = rg.get(n) ?? [];
    const p = child(path, n);
    if (ls.length <= 1 && rs.length <= 1) {
      walk(ls[0], rs[0], ic, p, c);
    } else if (ls.length >= 2 && rs.length >= 2) {
      // Duplicated elements are compared as a whole.
      if (!deepEqual(ls, rs)) c.modified.add(p);
    } else if (ls.length >= 2) {
      if (rs.length) walk(undefined, rs[0], ic, p, c);
      c.removed.add(p);
    } else {
      if (ls.length) walk(ls[0], undefined, ic, p, c);
      c.added.add(p);
    }
  }
}
