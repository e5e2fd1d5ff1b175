/**
 * CRD defaulting (apiserver-compat.md §14.2), run after pruning and before validation, and also on
 * objects read back from storage:
 * - a missing field with a `default` gets a deep copy of it; an explicit `null` does too unless the
 *   field is `nullable: true`;
 * - defaults apply inside objects that exist (and inside defaults just applied), in array items and
 *   in `additionalProperties` values, but never create a missing parent that has no default itself;
 * - a `null` for a non-nullable field without a default is dropped (so `null` means "unset").
 */
import { deepClone, hasOwn, isPlainObject, isSchema, setKey } from './json.js';
import type { JSONSchemaProps } from './types.js';

/** A JSON `default: null` is no default at all (upstream reads it as an absent pointer). */
const hasDefault = (s: JSONSchemaProps | undefined): s is JSONSchemaProps & { default: unknown } =>
  !!s && s.default !== undefined && s.default !== null;

export function applyDefaults(obj: any, schema: JSONSchemaProps | undefined): void {
  if (schema) walk(obj, schema);
}

function walk(x: unknown, s: JSONSchemaProps): void {
  if (Array.isArray(x)) {
    const items = s.items;
    if (!isSchema(items)) return;
    for (let i = 0; i < x.length; i++) {
      // Null array items are kept (a list position is not an optional field); only a default replaces them.
      if (x[i] === null && !items.nullable && hasDefault(items)) x[i] = deepClone(items.default);
      walk(x[i], items);
    }
    return;
  }
  if (!isPlainObject(x)) return;

  const props = s.properties ?? {};
  for (const [k, p] of Object.entries(props)) {
    if (!hasDefault(p)) continue;
    if (!hasOwn(x, k) || (x[k] === null && !p.nullable)) setKey(x, k, deepClone(p.default));
  }

  const additional = isSchema(s.additionalProperties) ? s.additionalProperties : undefined;
  for (const k of Object.keys(x)) {
    const sub = hasOwn(props, k) ? props[k] : additional;
    if (!sub) continue;
    if (x[k] === null && !sub.nullable) {
      if (hasDefault(sub)) setKey(x, k, deepClone(sub.default));
      else {
        delete x[k];
        continue;
      }
    }
    walk(x[k], sub);
  }
}
