/**
 * Removing fields from an object by path: each member path removes the node it names, with
 * everything below it. A map or list emptied by the removal goes away too (upstream turns it
 * into null, which the typed object then drops).
 */
import { setKey } from '../schema/json.js';
import { ROOT, SetIndex, child, fieldElement, type Path } from './fieldpath.js';
import { elementNames, fieldOf, itemOf, shapeOf, type TypeCtx } from './typed.js';

const GONE = Symbol('gone');

export function removePaths<T>(value: T, paths: Iterable<Path>, ctx: TypeCtx): T {
  const index = new SetIndex(paths);
  const out = strip(value, ctx, ROOT, index);
  return (out === GONE ? {} : out) as T;
}

function strip(v: unknown, ctx: TypeCtx, path: Path, index: SetIndex): unknown {
  if (!index.hasBelow(path)) return v;
  const shape = shapeOf(ctx, v);
  if (shape === 'map') {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(src)) {
      const p = child(path, fieldElement(k));
      if (index.has(p)) continue;
      const next = strip(val, fieldOf(ctx, k).ctx, p, index);
      if (next !== GONE) setKey(out, k, next);
    }
    return Object.keys(out).length === 0 && Object.keys(src).length > 0 ? GONE : out;
  }
  if (shape === 'list') {
    const src = v as unknown[];
    const names = elementNames(ctx, src)!;
    const ic = itemOf(ctx);
    const out: unknown[] = [];
    src.forEach((item, i) => {
      const p = child(path, names[i]);
      if (index.has(p)) return;
      const next = strip(item, ic, p, index);
      if (next !== GONE) out.push(next);
    });
    return out.length === 0 && src.length > 0 ? GONE : out;
  }
  return v;
}
