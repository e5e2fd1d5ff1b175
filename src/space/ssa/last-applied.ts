/**
 * The client-side → server-side apply upgrade path upstream builds in for the manager named
 * `kubectl` (apiserver-compat.md §7.2): fields still equal to the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation may be taken without force, and
 * after each successful apply the annotation is rewritten to the applied body.
 */
import { isPlainObject } from '../schema/json.js';
import type { KObject } from '../types.js';
import { difference, type FieldSet } from './fieldpath.js';
import { compareValues } from './compare.js';
import { resourceCtx, stripMeta, toFieldSet, type TypeCtx } from './typed.js';
import type { JSONSchemaProps } from '../schema/types.js';
import { typeProblems } from './validate.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The one manager name the upgrade path applies to (upstream's lastAppliedManager/Updater). */
export const LAST_APPLIED_MANAGER = 'kubectl';
/** metav1 limit on the total size of an object's annotations. */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

function lastAppliedOf(obj: KObject | undefined): string | undefined {
  const v = obj?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Fields of the annotation that the live object still holds with the same value: conflicts on
 * these are not conflicts. Undefined when the annotation is missing, unreadable, written for
 * another apiVersion or does not fit the schema.
 */
export function fieldsStillAsLastApplied(
  live: KObject,
  schema: JSONSchemaProps | undefined,
  apiVersion: string,
): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(last) || last.apiVersion !== apiVersion) return undefined;
  if (typeProblems(last as KObject, schema).some((p) => p.endsWith('field not declared in schema')))
    return undefined;
  const root: TypeCtx = resourceCtx(schema);
  const cmp = compareValues(last, live, root);
  const set = stripMeta(toFieldSet(last, root));
  return difference(difference(difference(set, cmp.modified), cmp.added), cmp.removed);
}

/** Rewrites the annotation of `result` (an applied object) to `applied`, if it carries one. */
export function syncLastApplied(result: KObject, applied: KObject): void {
  if (!lastAppliedOf(result)) return;
  const body = structuredClone(applied);
  const ann = body.metadata?.annotations;
  if (isPlainObject(ann)) delete ann[LAST_APPLIED_ANNOTATION];
  const annotations: Record<string, string> = {
    ...result.metadata!.annotations,
    [LAST_APPLIED_ANNOTATION]: goJson(body) + '\n',
  };
  let size = 0;
  for (const [k, v] of Object.entries(annotations))
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (size > ANNOTATIONS_MAX_BYTES) delete annotations[LAST_APPLIED_ANNOTATION];
  result.metadata!.annotations = annotations;
}

const GO_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

// Characters Go's encoder escapes: quote, backslash, HTML-sensitive ones, line separators, controls.
// eslint-disable-next-line no-control-regex
const GO_ESCAPED = /["\\<>&\u2028\u2029\u0000-\u001f]/g;

function goString(s: string): string {
  const body = s.replace(
    GO_ESCAPED,
    (c) => GO_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${body}"`;
}

/** JSON as Go's encoding/json writes a map: keys sorted, HTML characters escaped. */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isPlainObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${goString(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  if (typeof v === 'string') return goString(v);
  return JSON.stringify(v ?? null);
}
