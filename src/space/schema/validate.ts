/**
 * Value validation against a (structural) schema: what kube-apiserver does for custom resources
 * with go-openapi, with upstream's messages (`spec.replicas in body must be of type integer: "string"`).
 * Run it after pruning and defaulting. CEL rules (`x-kubernetes-validations`) are not evaluated;
 * `listCelRules` lets the caller warn about them.
 */
import { fieldErr, type FieldError } from '../errors.js';
import { isDNS1035Label } from './dns.js';
import { checkIntegerFormat, checkStringFormat } from './formats.js';
import {
  canonicalJson,
  childPath,
  deepEqual,
  hasOwn,
  indexPath,
  isPlainObject,
  isSchema,
  jsonType,
  type JsonType,
} from './json.js';
import { compilePattern } from './regex.js';
import type { JSONSchemaProps } from './types.js';

/**
 * Where a value sits: `field` is the path errors are reported on, `name` the path go-openapi puts in
 * its messages. They differ only when validating a value that is not a whole object (CRD defaults).
 */
interface Loc {
  field: string;
  name: string;
}

const child = (loc: Loc, key: string): Loc => ({
  field: childPath(loc.field, key),
  name: childPath(loc.name, key),
});
const item = (loc: Loc, i: number): Loc => ({ field: indexPath(loc.field, i), name: indexPath(loc.name, i) });
const subject = (loc: Loc): string => (loc.name ? `${loc.name} in body` : 'in body');

/** Validates `obj` against `schema`; `path` prefixes every error field (empty for a whole object). */
export function validateValue(obj: unknown, schema: JSONSchemaProps, path = ''): FieldError[] {
  const errs: FieldError[] = [];
  check(obj, schema, { field: path, name: path }, errs);
  return errs;
}

/**
 * As validateValue, but errors are reported under `fieldPath` while messages name the value by
 * `name` (upstream validates CRD defaults this way: `…properties[x].default: Invalid value: "a": in body …`).
 */
export function validateValueAt(
  obj: unknown,
  schema: JSONSchemaProps,
  fieldPath: string,
  name = '',
): FieldError[] {
  const errs: FieldError[] = [];
  check(obj, schema, { field: fieldPath, name }, errs);
  return errs;
}

function typeMatches(want: string, got: JsonType): boolean {
  return want === got || (want === 'number' && got === 'integer');
}

function typeError(loc: Loc, want: string, got: string): FieldError {
  return fieldErr.typeInvalid(
    loc.field,
    got,
    `${subject(loc)} must be of type ${want}: ${JSON.stringify(got)}`,
  );
}

/** controller-gen's spelling of IntOrString: `anyOf: [{type: integer}, {type: string}]`. */
function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return (
    !!anyOf &&
    anyOf.length === 2 &&
    deepEqual(anyOf[0], { type: 'integer' }) &&
    deepEqual(anyOf[1], { type: 'string' })
  );
}

function check(v: unknown, s: JSONSchemaProps, loc: Loc, errs: FieldError[]): void {
  if (v === undefined || !s) return;
  const t = jsonType(v);
  const intOrString = s['x-kubernetes-int-or-string'] === true;

  if (t === 'null') {
    if (s.nullable) return;
    if (s.type) errs.push(typeError(loc, s.type, 'null'));
    else if (intOrString) errs.push(typeError(loc, 'integer,string', 'null'));
    return;
  }
  if (s.type && !typeMatches(s.type, t)) {
    errs.push(typeError(loc, s.type, t));
    return;
  }
  if (intOrString && t !== 'integer' && t !== 'string') {
    errs.push(typeError(loc, 'integer,string', t));
    return;
  }

  checkComposition(v, s, loc, errs, intOrString);
  switch (t) {
    case 'string':
      checkString(v as string, s, loc, errs);
      break;
    case 'integer':
    case 'number':
      checkNumber(v as number, t, s, loc, errs);
      break;
    case 'array':
      checkArray(v as unknown[], s, loc, errs);
      break;
    case 'object':
      checkObject(v as Record<string, unknown>, s, loc, errs);
      break;
  }
  if (s.enum && !s.enum.some((e) => deepEqual(e, v))) {
    errs.push(
      fieldErr.notSupported(
        loc.field,
        v,
        s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))),
      ),
    );
  }
  if (s['x-kubernetes-embedded-resource'] && t === 'object') {
    checkEmbeddedResource(v as Record<string, unknown>, loc, errs);
  }
}

function trial(v: unknown, s: JSONSchemaProps, loc: Loc): FieldError[] {
  const errs: FieldError[] = [];
  check(v, s, loc, errs);
  return errs;
}

/** A branch that only lists required fields, like KubeStellar's "at least one of …" clauses. */
function requiredOnly(s: JSONSchemaProps): string[] | undefined {
  const keys = Object.keys(s);
  if (keys.length !== 1 || keys[0] !== 'required' || !Array.isArray(s.required) || !s.required.length)
    return undefined;
  return s.required;
}

function checkComposition(
  v: unknown,
  s: JSONSchemaProps,
  loc: Loc,
  errs: FieldError[],
  intOrString: boolean,
): void {
  for (const sub of s.allOf ?? []) errs.push(...trial(v, sub, loc));

  const anyOf = s.anyOf;
  if (anyOf?.length && !(intOrString && isIntOrStringAnyOf(anyOf))) {
    let best: FieldError[] | undefined;
    let ok = false;
    for (const sub of anyOf) {
      const r = trial(v, sub, loc);
      if (!r.length) {
        ok = true;
        break;
      }
      if (!best || r.length < best.length) best = r;
    }
    if (!ok) {
      const fieldLists = anyOf.map(requiredOnly);
      if (fieldLists.every((l) => l !== undefined)) {
        // Upstream reports one branch's "Required value", which reads as if that field were mandatory.
        const names = [...new Set(fieldLists.flat() as string[])].map((n) => JSON.stringify(n)).join(', ');
        errs.push(fieldErr.required(loc.field, `must specify at least one of: ${names}`));
      } else {
        errs.push(
          fieldErr.invalid(
            loc.field,
            '',
            `${JSON.stringify(loc.name)} must validate at least one schema (anyOf)`,
          ),
        );
        errs.push(...(best ?? []));
      }
    }
  }

  if (s.oneOf?.length) {
    let valid = 0;
    let best: FieldError[] | undefined;
    for (const sub of s.oneOf) {
      const r = trial(v, sub, loc);
      if (!r.length) valid++;
      else if (!best || r.length < best.length) best = r;
    }
    if (valid !== 1) {
      const found = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
      errs.push(
        fieldErr.invalid(
          loc.field,
          '',
          `${JSON.stringify(loc.name)} must validate one and only one schema (oneOf). ${found}`,
        ),
      );
      if (valid === 0) errs.push(...(best ?? []));
    }
  }

  if (s.not && !trial(v, s.not, loc).length) {
    errs.push(
      fieldErr.invalid(loc.field, '', `${JSON.stringify(loc.name)} must not validate the schema (not)`),
    );
  }
}

function checkString(v: string, s: JSONSchemaProps, loc: Loc, errs: FieldError[]): void {
  // go-openapi counts runes, not UTF-16 units.
  const len = s.maxLength !== undefined || s.minLength !== undefined ? [...v].length : 0;
  if (s.maxLength !== undefined && len > s.maxLength) errs.push(fieldErr.tooLong(loc.field, s.maxLength));
  if (s.minLength !== undefined && len < s.minLength) {
    errs.push(fieldErr.invalid(loc.field, v, `${subject(loc)} should be at least ${s.minLength} chars long`));
  }
  if (s.pattern !== undefined) {
    const re = compilePattern(s.pattern);
    // A pattern we cannot compile was reported when the CRD was validated; it cannot be enforced here.
    if (re instanceof RegExp && !re.test(v)) {
      errs.push(fieldErr.invalid(loc.field, v, `${subject(loc)} should match '${s.pattern}'`));
    }
  }
  if (s.format && checkStringFormat(s.format, v) === false) {
    errs.push(
      fieldErr.typeInvalid(loc.field, v, `${subject(loc)} must be of type ${s.format}: ${JSON.stringify(v)}`),
    );
  }
}

function checkNumber(v: number, t: JsonType, s: JSONSchemaProps, loc: Loc, errs: FieldError[]): void {
  if (t === 'integer' && s.format && checkIntegerFormat(s.format, v) === false) {
    errs.push(
      fieldErr.typeInvalid(
        loc.field,
        v,
        `${subject(loc)} must be of type ${s.format}: ${JSON.stringify(String(v))}`,
      ),
    );
  }
  if (s.multipleOf !== undefined && s.multipleOf > 0) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) {
      errs.push(fieldErr.invalid(loc.field, v, `${subject(loc)} should be a multiple of ${s.multipleOf}`));
    }
  }
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum) {
      const rel = s.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errs.push(fieldErr.invalid(loc.field, v, `${subject(loc)} should be ${rel} ${s.maximum}`));
    }
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum) {
      const rel = s.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errs.push(fieldErr.invalid(loc.field, v, `${subject(loc)} should be ${rel} ${s.minimum}`));
    }
  }
}

function checkArray(v: unknown[], s: JSONSchemaProps, loc: Loc, errs: FieldError[]): void {
  if (s.minItems !== undefined && v.length < s.minItems) {
    errs.push(
      fieldErr.invalid(loc.field, v.length, `${subject(loc)} should have at least ${s.minItems} items`),
    );
  }
  if (s.maxItems !== undefined && v.length > s.maxItems)
    errs.push(fieldErr.tooMany(loc.field, v.length, s.maxItems));
  if (s.uniqueItems && new Set(v.map(canonicalJson)).size !== v.length) {
    errs.push(fieldErr.invalid(loc.field, v, `${subject(loc)} shouldn't contain duplicates`));
  }
  if (isSchema(s.items)) {
    v.forEach((x, i) => check(x, s.items as JSONSchemaProps, item(loc, i), errs));
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') checkListSet(v, loc, errs);
  else if (listType === 'map') checkListMap(v, s['x-kubernetes-list-map-keys'] ?? [], loc, errs);
}

function checkListSet(v: unknown[], loc: Loc, errs: FieldError[]): void {
  const seen = new Set<string>();
  v.forEach((x, i) => {
    const key = canonicalJson(x);
    if (seen.has(key)) errs.push(fieldErr.duplicate(indexPath(loc.field, i), x));
    else seen.add(key);
  });
}

function checkListMap(v: unknown[], keys: string[], loc: Loc, errs: FieldError[]): void {
  const seen = new Set<string>();
  v.forEach((x, i) => {
    if (!isPlainObject(x)) {
      // null items already got a type error from the item schema.
      if (x !== null) {
        errs.push(
          fieldErr.invalid(indexPath(loc.field, i), x, 'must be an object for an array of list-type map'),
        );
      }
      return;
    }
    // A missing key is a value of its own: two entries that both omit it collide.
    const keyValue: Record<string, unknown> = {};
    for (const k of keys) if (hasOwn(x, k)) keyValue[k] = x[k];
    const id = JSON.stringify(keys.map((k) => (hasOwn(x, k) ? canonicalJson(x[k]) : '\u0000unset')));
    if (seen.has(id)) errs.push(fieldErr.duplicate(indexPath(loc.field, i), keyValue));
    else seen.add(id);
  });
}

function checkObject(v: Record<string, unknown>, s: JSONSchemaProps, loc: Loc, errs: FieldError[]): void {
  const count = Object.keys(v).length;
  if (s.maxProperties !== undefined && count > s.maxProperties)
    errs.push(fieldErr.tooMany(loc.field, count, s.maxProperties));
  if (s.minProperties !== undefined && count < s.minProperties) {
    errs.push(
      fieldErr.invalid(
        loc.field,
        count,
        `${subject(loc)} should have at least ${s.minProperties} properties`,
      ),
    );
  }
  for (const r of s.required ?? []) if (!hasOwn(v, r)) errs.push(fieldErr.required(child(loc, r).field));

  const props = s.properties;
  const additional = isSchema(s.additionalProperties) ? s.additionalProperties : undefined;
  for (const [k, x] of Object.entries(v)) {
    if (props && hasOwn(props, k)) check(x, props[k], child(loc, k), errs);
    else if (additional) check(x, additional, child(loc, k), errs);
  }
}

/** `x-kubernetes-embedded-resource`: a nested object that is a whole Kubernetes object. */
function checkEmbeddedResource(v: Record<string, unknown>, loc: Loc, errs: FieldError[]): void {
  const avPath = childPath(loc.field, 'apiVersion');
  const kindPath = childPath(loc.field, 'kind');
  if (!hasOwn(v, 'apiVersion')) errs.push(fieldErr.required(avPath, 'must not be empty'));
  else if (typeof v.apiVersion !== 'string')
    errs.push(fieldErr.invalid(avPath, v.apiVersion, 'must be a string'));
  else if (v.apiVersion === '') errs.push(fieldErr.invalid(avPath, '', 'must not be empty'));
  else if (v.apiVersion.split('/').length > 2) {
    errs.push(fieldErr.invalid(avPath, v.apiVersion, `unexpected GroupVersion string: ${v.apiVersion}`));
  }

  if (!hasOwn(v, 'kind')) errs.push(fieldErr.required(kindPath, 'must not be empty'));
  else if (typeof v.kind !== 'string') errs.push(fieldErr.invalid(kindPath, v.kind, 'must be a string'));
  else if (v.kind === '') errs.push(fieldErr.invalid(kindPath, '', 'must not be empty'));
  else {
    const problems = isDNS1035Label(v.kind.toLowerCase());
    if (problems.length) {
      errs.push(
        fieldErr.invalid(
          kindPath,
          v.kind,
          `may have mixed case, but should otherwise match: ${problems.join(',')}`,
        ),
      );
    }
  }

  if (hasOwn(v, 'metadata')) checkEmbeddedMeta(v.metadata, childPath(loc.field, 'metadata'), errs);
}

/** The ObjectMeta shape of an embedded object's metadata (field types only). */
function checkEmbeddedMeta(meta: unknown, path: string, errs: FieldError[]): void {
  if (meta === null) return;
  if (!isPlainObject(meta)) {
    errs.push(fieldErr.invalid(path, meta, 'must be an object'));
    return;
  }
  for (const k of ['name', 'generateName', 'namespace']) {
    if (hasOwn(meta, k) && meta[k] !== null && typeof meta[k] !== 'string') {
      errs.push(fieldErr.invalid(childPath(path, k), meta[k], 'must be a string'));
    }
  }
  for (const k of ['labels', 'annotations']) {
    const m = meta[k];
    if (m === undefined || m === null) continue;
    if (!isPlainObject(m)) {
      errs.push(fieldErr.invalid(childPath(path, k), m, 'must be a map of string keys to string values'));
      continue;
    }
    for (const [mk, mv] of Object.entries(m)) {
      if (typeof mv !== 'string')
        errs.push(fieldErr.invalid(childPath(childPath(path, k), mk), mv, 'must be a string'));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CEL rules

export interface CelRule {
  /** Data path of the node the rule is attached to: `spec`, `spec.items[*]`, `spec.labels.*`; '' = root. */
  path: string;
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
}

/** Every `x-kubernetes-validations` rule in the schema, which this server does not evaluate. */
export function listCelRules(schema: JSONSchemaProps, path = ''): CelRule[] {
  const out: CelRule[] = [];
  const walk = (s: JSONSchemaProps | undefined, p: string): void => {
    if (!isSchema(s)) return;
    for (const r of s['x-kubernetes-validations'] ?? []) {
      if (r && typeof r.rule === 'string') out.push({ path: p, ...r });
    }
    for (const [k, sub] of Object.entries(s.properties ?? {})) walk(sub, childPath(p, k));
    if (isPlainObject(s.additionalProperties))
      walk(s.additionalProperties as JSONSchemaProps, childPath(p, '*'));
    if (s.items) walk(s.items, `${p}[*]`);
  };
  walk(schema, path);
  return out;
}
