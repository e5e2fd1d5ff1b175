/** RFC 7386 JSON merge patch (`application/merge-patch+json`). */
import { cloneJson, defineValue, hasOwn, isPlainObject, type JsonObject } from '../../util/json.js';

/**
 * Returns `doc` with `patch` merged in: `null` deletes a key, objects merge recursively, any other
 * value (arrays included) replaces. A patch that is not an object replaces the whole document.
 * Neither input is changed, and the result shares no objects with them.
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const target: JsonObject = isPlainObject(doc) ? cloneJson(doc) : {};
  mergeInto(target, patch);
  return target;
}

function mergeInto(target: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const pv = patch[k];
    if (pv === null) {
      delete target[k];
    } else if (isPlainObject(pv)) {
      const cur = hasOwn(target, k) ? target[k] : undefined;
      const next: JsonObject = isPlainObject(cur) ? cur : {};
      mergeInto(next, pv);
      defineValue(target, k, next);
    } else {
      defineValue(target, k, cloneJson(pv));
    }
  }
}
