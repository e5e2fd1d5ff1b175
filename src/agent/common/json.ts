/**
 * JSON helpers for the agent's pure modules: structural equality (undefined-valued keys count as
 * absent, so an optional field left `undefined` never looks like a change) and canonical text
 * (sorted keys, like Go's encoding/json for maps) for hashes and feedback values.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values; object key order and undefined-valued keys are ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Compact JSON with object keys sorted at every level (Go's json.Marshal of a map does this). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** Deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/**
 * True when every field of `want` is present with the same value in `have` (objects compared
 * member-wise, arrays element-wise with equal length). Lets an applier ignore server-defaulted
 * fields the manifest does not mention.
 */
export function isSubset(want: unknown, have: unknown): boolean {
  if (isObject(want)) {
    if (!isObject(have)) return false;
    return Object.keys(want).every((k) => want[k] === undefined || isSubset(want[k], have[k]));
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || want.length !== have.length) return false;
    return want.every((x, i) => isSubset(x, have[i]));
  }
  return jsonEqual(want, have);
}
