/**
 * Element order of merged strategic-merge-patch lists, as upstream computes it (the "preserve order
 * in strategic merge patch" design): `$setElementOrder` first, then the patch list's order, then
 * the live list's order for elements only the live object has. Upstream's order is part of the
 * observable result (kubectl diff, the stored object), so it is reproduced rather than invented.
 *
 * Elements are identified by their merge key value (lists of objects) or by value (primitives).
 */
import { PatchApplyError } from './errors.js';
import { hasOwn, isPlainObject, jsonEqual } from '../../util/json.js';

const MISSING = Symbol('missing');

function identity(el: unknown, mergeKey: string | undefined): unknown {
  if (mergeKey === undefined) return el;
  return isPlainObject(el) && hasOwn(el, mergeKey) ? el[mergeKey] : MISSING;
}

function indexIn(list: readonly unknown[], el: unknown, mergeKey: string | undefined): number {
  const id = identity(el, mergeKey);
  if (id === MISSING) return -1;
  return list.findIndex((x) => {
    const xid = identity(x, mergeKey);
    return xid !== MISSING && jsonEqual(xid, id);
  });
}

/** Stable sort by position in `order`; elements `order` lacks keep their relative order at the end. */
function sortByIndex(list: unknown[], order: readonly unknown[], mergeKey: string | undefined): unknown[] {
  return list
    .map((el, i) => ({ el, i, at: indexIn(order, el, mergeKey) }))
    .sort((a, b) => {
      if (a.at >= 0 && b.at >= 0 && a.at !== b.at) return a.at - b.at;
      if (a.at < 0 !== b.at < 0) return a.at < 0 ? 1 : -1;
      return a.i - b.i;
    })
    .map((x) => x.el);
}

/**
 * Interleaves `serverOnly` into `patchItems` (both already sorted). A server-only element goes
 * before the next patch element only when both are in the live list and it comes first there, so
 * elements new to the list end up ahead of the server-only elements that follow (upstream
 * mergeSortedSlice).
 */
function interleave(
  serverOnly: unknown[],
  patchItems: unknown[],
  live: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (j >= patchItems.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(patchItems[j++]);
    else {
      const li = indexIn(live, serverOnly[i], mergeKey);
      const ri = indexIn(live, patchItems[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

function partition(
  merged: unknown[],
  by: readonly unknown[],
  mergeKey: string | undefined,
): [unknown[], unknown[]] {
  const inBy: unknown[] = [];
  const rest: unknown[] = [];
  for (const el of merged) (indexIn(by, el, mergeKey) >= 0 ? inBy : rest).push(el);
  return [inBy, rest];
}

/** Order of a list merged without `$setElementOrder`: patch elements by the patch, the rest by `live`. */
export function orderLikeUpstream(
  merged: unknown[],
  patchList: readonly unknown[],
  live: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const [patchItems, serverOnly] = partition(merged, patchList, mergeKey);
  return interleave(
    sortByIndex(serverOnly, live, mergeKey),
    sortByIndex(patchItems, patchList, mergeKey),
    live,
    mergeKey,
  );
}

/** Order of a list merged with `$setElementOrder/<field>: order`; `live` is the list before the patch. */
export function orderBySetElementOrder(
  merged: unknown[],
  order: readonly unknown[],
  live: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const [patchItems, serverOnly] = partition(merged, order, mergeKey);
  return interleave(
    sortByIndex(serverOnly, live, mergeKey),
    sortByIndex(patchItems, order, mergeKey),
    live,
    mergeKey,
  );
}

/**
 * Upstream rejects a patch whose list elements are not a subsequence of its `$setElementOrder`
 * (deletions and other directive elements aside), and order entries without the merge key.
 */
export function checkSetElementOrder(
  patchList: readonly unknown[],
  order: readonly unknown[],
  mergeKey: string | undefined,
): void {
  if (mergeKey !== undefined) {
    for (const o of order) {
      if (identity(o, mergeKey) === MISSING) {
        throw new PatchApplyError(
          `map: ${JSON.stringify(o)} does not contain declared merge key: ${mergeKey}`,
        );
      }
    }
  }
  const elements = patchList.filter((el) => !(isPlainObject(el) && hasOwn(el, '$patch')));
  let p = 0;
  for (let o = 0; o < order.length && p < elements.length; o++) {
    if (identity(elements[p], mergeKey) === MISSING) {
      throw new PatchApplyError(
        `map: ${JSON.stringify(elements[p])} does not contain declared merge key: ${mergeKey}`,
      );
    }
    if (jsonEqual(identity(elements[p], mergeKey), identity(order[o], mergeKey))) p++;
  }
  if (p < elements.length) {
    throw new PatchApplyError(
      `The order in patch list: ${JSON.stringify(patchList)} doesn't match $setElementOrder list: ${JSON.stringify(order)}`,
    );
  }
}
