/**
 * RFC 6902 JSON patch (`application/json-patch+json`) on top of fast-json-patch, with the checks
 * kube-apiserver adds: an undecodable body → 400, more than 10,000 operations → 413, and any
 * failure while applying (failed `test`, missing path, bad operation) → 422.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { PatchApplyError, PatchDecodeError, PatchTooLargeError } from './errors.js';
import { isPlainObject, jsonEqual } from '../../util/json.js';

/** Upstream's limit (apiserver `maxJSONPatchOperations`). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Applies `ops` to a copy of `doc` and returns the copy; neither input is changed. */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw new PatchDecodeError('json: cannot unmarshal into Go value of type jsonpatch.Patch');
  for (const op of ops) {
    if (!isPlainObject(op))
      throw new PatchDecodeError('json: cannot unmarshal into Go value of type jsonpatch.Operation');
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchTooLargeError(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  ops.forEach((op, i) => checkOperation(op as Record<string, unknown>, i));

  // Null-prototype copies: fast-json-patch tests existence with `obj[key] === undefined`, which
  // would otherwise find inherited members such as `constructor` or `toString`.
  let work = toNullProto(doc);
  const workOps = ops.map((op) => toNullProto(op)) as Operation[];
  try {
    workOps.forEach((op, i) => {
      if (op.op === 'test') runTest(work, op.path, op.value, i);
      else work = jsonpatch.applyOperation(work, op, true, true, true, i).newDocument;
      // The library copies with JSON.parse, which brings prototypes back into the copied subtree.
      if (op.op === 'copy') work = toNullProto(work);
    });
  } catch (e) {
    if (e instanceof PatchApplyError) throw e;
    throw new PatchApplyError(e instanceof Error ? e.message : String(e));
  }
  return toPlain(work);
}

/** `test`, done here because the library's equality calls `hasOwnProperty` on null-prototype values. */
function runTest(work: unknown, pointer: string, value: unknown, index: number): void {
  const found = resolvePointer(work, pointer);
  if (!found.ok || !jsonEqual(found.value, value)) {
    throw new PatchApplyError(`operation ${index}: testing value ${pointer} failed`);
  }
}

function resolvePointer(doc: unknown, pointer: string): { ok: true; value: unknown } | { ok: false } {
  if (pointer === '') return { ok: true, value: doc };
  if (!pointer.startsWith('/')) return { ok: false };
  let cur = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) >= cur.length) return { ok: false };
      cur = cur[Number(key)];
    } else if (typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, key)) {
      cur = (cur as Record<string, unknown>)[key];
    } else {
      return { ok: false };
    }
  }
  return { ok: true, value: cur };
}

/** The checks fast-json-patch leaves out or does through prototype lookups. */
function checkOperation(op: Record<string, unknown>, index: number): void {
  const where = `operation ${index}`;
  if (typeof op.op !== 'string' || !OPS.has(op.op))
    throw new PatchApplyError(`${where}: unexpected kind ${String(op.op)}`);
  if (typeof op.path !== 'string') throw new PatchApplyError(`${where}: missing path`);
  if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
    throw new PatchApplyError(`${where}: missing from`);
  }
  if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
    throw new PatchApplyError(`${where}: missing value`);
  }
  if (op.op === 'move' && (op.path as string).startsWith(`${op.from as string}/`)) {
    throw new PatchApplyError(`${where}: a value cannot be moved into one of its children`);
  }
}

function toNullProto(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toNullProto);
  if (isPlainObject(v)) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(v)) out[k] = toNullProto(v[k]);
    return out;
  }
  return v;
}

function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = toPlain((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
