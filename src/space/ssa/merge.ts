/**
 * Merging an applied configuration into the live object (apiserver-compat.md §7.2 step 3–4):
 * granular maps merge key by key, list-maps and sets element by element (by key or value),
 * and everything else (scalars, atomic lists and maps) takes the applied value whole.
 */
import { hasOwn, isPlainObject, setKey } from '../schema/json.js';
import type { PathElement } from './fieldpath.js';
import {
  elementNames,
  fieldOf,
  isEmptyContainer,
  isNullable,
  itemOf,
  shapeOf,
  type TypeCtx,
} from './typed.js';

/** `live` with `applied` merged in; inputs are not modified. `undefined` = no value. */
export function mergeValues(live: unknown, applied: unknown, ctx: TypeCtx): unknown {
  if (applied === undefined) return live;
  if (applied === null) {
    // Null stands for "no value": a non-empty granular container keeps its content (upstream
    // reads null as an empty map or list), anything else goes away unless the schema allows null.
    if (live !== undefined && live !== null && shapeOf(ctx, live) !== 'leaf' && !isEmptyContainer(live))
      return live;
    return isNullable(ctx) ? null : undefined;
  }
  const shape = shapeOf(ctx, applied);
  const liveShape = live === undefined || live === null ? shape : shapeOf(ctx, live);
  if (shape === 'map' && liveShape === 'map')
    return mergeMaps(isPlainObject(live) ? live : {}, applied as Record<string, unknown>, ctx);
  if (shape === 'list' && liveShape === 'list')
    return mergeLists(Array.isArray(live) ? live : [], applied as unknown[], ctx);
  return structuredClone(applied);
}

function mergeMaps(
  live: Record<string, unknown>,
  applied: Record<string, unknown>,
  ctx: TypeCtx,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) {
    const merged = hasOwn(applied, k) ? mergeValues(v, applied[k], fieldOf(ctx, k).ctx) : v;
    if (merged !== undefined) setKey(out, k, merged);
  }
  for (const [k, v] of Object.entries(applied)) {
    if (hasOwn(live, k)) continue;
    const merged = mergeValues(undefined, v, fieldOf(ctx, k).ctx);
    if (merged !== undefined) setKey(out, k, merged);
  }
  return out;
}

/**
 * Element order: applied elements keep the applied order, and elements only the live list has
 * stay where they were relative to their neighbours. Walking the live list, a live-only element
 * is emitted in place; a shared element waits until it is the next shared element the applied
 * list expects, and applied elements are emitted as the live walk reaches them.
 */
function mergeLists(live: unknown[], applied: unknown[], ctx: TypeCtx): unknown[] {
  const ic = itemOf(ctx);
  const liveNames = elementNames(ctx, live)!;
  const appliedNames = elementNames(ctx, applied)!;
  const appliedBy = new Map<PathElement, unknown>();
  appliedNames.forEach((n, i) => appliedBy.set(n, applied[i]));
  // A duplicated live element is not merged: the applied element replaces all its copies.
  const liveBy = new Map<PathElement, unknown>();
  const dup = new Set<PathElement>();
  liveNames.forEach((n, i) => (liveBy.has(n) ? dup.add(n) : liveBy.set(n, live[i])));

  const shared = appliedNames.filter((n) => liveBy.has(n));
  let nextShared = 0; // index into `shared` of the next shared element the applied order expects
  const emitted = new Set<PathElement>();
  const out: unknown[] = [];
  const emitApplied = (j: number) => {
    const n = appliedNames[j];
    emitted.add(n);
    const merged = mergeValues(dup.has(n) ? undefined : liveBy.get(n), appliedBy.get(n), ic);
    if (merged !== undefined) out.push(merged);
    if (shared[nextShared] === n) nextShared++;
  };

  let i = 0;
  let j = 0;
  while (i < live.length || j < applied.length) {
    if (i < live.length) {
      const n = liveNames[i];
      if (!appliedBy.has(n)) {
        out.push(live[i++]); // live-only: stays in place
        continue;
      }
      if (j < applied.length && n === appliedNames[j]) {
        i++;
        emitApplied(j++);
        continue;
      }
      // A shared element the applied order wants later: leave it for when applied reaches it.
      if (j < applied.length && nextShared < shared.length && shared[nextShared] !== n) {
        i++;
        continue;
      }
      if (emitted.has(n)) i++;
    }
    if (j < applied.length) emitApplied(j++);
  }
  return out;
}
