/**
 * Structural-schema rules for CRD schemas (apiserver-compat.md §14.2), reported like upstream:
 * `spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty
 * for specified object fields`.
 *
 * Three groups of checks, in upstream's order:
 * 1. structural invariants (types everywhere, value validations only inside allOf/anyOf/oneOf/not,
 *    metadata restrictions, embedded resources, int-or-string), sorted by message as upstream does;
 *    when there are none, the defaults (which must be pruned and valid against their schema);
 * 2. the OpenAPI dialect checks (forbidden keywords, list and map types, CEL rule shapes).
 */
import { fieldErr, formatFieldError, type FieldError } from '../errors.js';
import { deepClone, deepEqual, hasOwn, isPlainObject, isSchema } from './json.js';
import { prune } from './prune.js';
import { compilePattern } from './regex.js';
import type { JSONSchemaProps } from './types.js';
import { validateValueAt } from './validate.js';

type Level = 'root' | 'item' | 'field';
type Raw = Record<string, any>;

const VALID_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);
const CEL_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

const propPath = (base: string, k: string): string => `${base}.properties[${k}]`;
const entries = (m: unknown): [string, JSONSchemaProps][] =>
  isPlainObject(m) ? (Object.entries(m) as [string, JSONSchemaProps][]) : [];
const plainItems = (s: JSONSchemaProps): JSONSchemaProps | undefined =>
  isSchema(s.items) ? s.items : undefined;
const propsOf = (s: JSONSchemaProps): Record<string, JSONSchemaProps> =>
  isPlainObject(s.properties) ? (s.properties as Record<string, JSONSchemaProps>) : {};
const hasDefault = (s: JSONSchemaProps): boolean => s.default !== undefined && s.default !== null;

/** Checks that `schema` (a CRD version's openAPIV3Schema, at `fieldPath`) is a valid structural schema. */
export function checkStructural(schema: JSONSchemaProps, fieldPath: string): FieldError[] {
  if (!isPlainObject(schema)) return [fieldErr.invalid(fieldPath, schema, 'must be a JSON schema object')];
  const errs: FieldError[] = [];
  if (schema.nullable)
    errs.push(fieldErr.forbidden(`${fieldPath}.nullable`, 'nullable cannot be true at the root'));

  const structural = [...invariants(schema, 'root', fieldPath), ...completeness(schema, fieldPath)];
  const text = new Map(structural.map((e) => [e, formatFieldError(e)]));
  structural.sort((a, b) => (text.get(a)! < text.get(b)! ? -1 : text.get(a)! > text.get(b)! ? 1 : 0));
  errs.push(...structural);
  if (!structural.length) errs.push(...checkDefaults(schema, fieldPath, false, true));

  errs.push(
    ...dialect(schema, fieldPath, { isRoot: true, insideMeta: false, allowDefaults: true, reason: '' }),
  );
  return errs;
}

// ---------------------------------------------------------------------------------------------
// 1. Structural invariants

/** controller-gen's IntOrString: `anyOf: [{type: integer}, {type: string}]`, exempt from the nesting rules. */
function isIntOrStringAnyOf(anyOf: unknown): boolean {
  return (
    Array.isArray(anyOf) &&
    anyOf.length === 2 &&
    deepEqual(anyOf[0], { type: 'integer' }) &&
    deepEqual(anyOf[1], { type: 'string' })
  );
}

const EMPTY_TYPE_DETAIL: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

function invariants(s: JSONSchemaProps, lvl: Level, path: string): FieldError[] {
  if (!isSchema(s)) return [];
  const errs: FieldError[] = [];
  const type = typeof s.type === 'string' ? s.type : '';
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;

  if (type === 'array' && s.items === undefined)
    errs.push(fieldErr.required(`${path}.items`, 'must be specified'));
  const items = plainItems(s);
  if (items) errs.push(...invariants(items, 'item', `${path}.items`));
  for (const [k, v] of entries(s.properties)) errs.push(...invariants(v, 'field', propPath(path, k)));

  if (s.additionalProperties !== undefined) {
    if (lvl === 'root')
      errs.push(fieldErr.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (isPlainObject(s.additionalProperties)) {
      errs.push(
        ...invariants(s.additionalProperties as JSONSchemaProps, 'field', `${path}.additionalProperties`),
      );
    }
  }

  if (intOrString && preserve) {
    errs.push(
      fieldErr.invalid(
        `${path}.x-kubernetes-preserve-unknown-fields`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }
  if (intOrString && embedded) {
    errs.push(
      fieldErr.invalid(
        `${path}.x-kubernetes-embedded-resource`,
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  }

  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf =
    Array.isArray(s.allOf) && isPlainObject(s.allOf[0]) && isIntOrStringAnyOf(s.allOf[0].anyOf);
  errs.push(...valueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, path));

  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    errs.push(
      type ? fieldErr.invalid(`${path}.type`, type, detail) : fieldErr.required(`${path}.type`, detail),
    );
  } else if (!type && !intOrString && !preserve) {
    errs.push(fieldErr.required(`${path}.type`, EMPTY_TYPE_DETAIL[lvl]));
  }
  if (embedded && s.additionalProperties !== undefined) {
    errs.push(
      fieldErr.forbidden(
        `${path}.additionalProperties`,
        'must not be used if x-kubernetes-embedded-resource is set',
      ),
    );
  }
  if (lvl === 'root' && type && type !== 'object')
    errs.push(fieldErr.invalid(`${path}.type`, type, 'must be object at the root'));

  const props = propsOf(s);
  if (lvl === 'root' || embedded) {
    for (const k of ['kind', 'apiVersion']) {
      if (hasOwn(props, k) && props[k]?.type !== 'string') {
        errs.push(fieldErr.invalid(`${propPath(path, k)}.type`, props[k]?.type ?? '', 'must be string'));
      }
    }
    if (hasOwn(props, 'metadata') && props.metadata?.type !== 'object') {
      errs.push(
        fieldErr.invalid(`${propPath(path, 'metadata')}.type`, props.metadata?.type ?? '', 'must be object'),
      );
    }
  }
  if (lvl === 'root' && hasOwn(props, 'metadata') && !onlyNameConstraints(props.metadata)) {
    errs.push(
      fieldErr.forbidden(
        propPath(path, 'metadata'),
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  }

  if (embedded && !preserve && !Object.keys(props).length) {
    errs.push(
      fieldErr.required(
        `${path}.properties`,
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  }
  return errs;
}

/** A root `metadata` schema may only constrain `name` and `generateName` (its type/default are checked apart). */
function onlyNameConstraints(m: JSONSchemaProps): boolean {
  if (!isSchema(m)) return true;
  // Documentation-only keys carry no constraint; upstream drops example/externalDocs as well.
  const harmless = new Set([
    'type',
    'default',
    'description',
    'title',
    'example',
    'externalDocs',
    'properties',
  ]);
  if (Object.keys(m).some((k) => !harmless.has(k))) return false;
  return Object.keys(propsOf(m)).every((k) => k === 'name' || k === 'generateName');
}

/** The allOf/anyOf/oneOf/not of a node (structural or nested) and its pattern. */
function valueValidation(
  v: JSONSchemaProps,
  skipAnyOf: boolean,
  skipFirstAllOfAnyOf: boolean,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) {
    (Array.isArray(v.anyOf) ? v.anyOf : []).forEach((x, i) =>
      errs.push(...nested(x, false, `${path}.anyOf[${i}]`)),
    );
  }
  (Array.isArray(v.allOf) ? v.allOf : []).forEach((x, i) =>
    errs.push(...nested(x, skipFirstAllOfAnyOf && i === 0, `${path}.allOf[${i}]`)),
  );
  (Array.isArray(v.oneOf) ? v.oneOf : []).forEach((x, i) =>
    errs.push(...nested(x, false, `${path}.oneOf[${i}]`)),
  );
  if (v.not !== undefined) errs.push(...nested(v.not, false, `${path}.not`));

  if (typeof v.pattern === 'string') {
    const re = compilePattern(v.pattern);
    if (re instanceof Error) {
      errs.push(
        fieldErr.invalid(
          `${path}.pattern`,
          v.pattern,
          `must be a valid regular expression, but isn't: ${re.message}`,
        ),
      );
    }
  }
  return errs;
}

/** Keys a schema under allOf/anyOf/oneOf/not must not use, with upstream's wording. */
const NESTED_FORBIDDEN: [keyof JSONSchemaProps, (v: unknown) => boolean, string][] = [
  ['type', (v) => typeof v === 'string' && v !== '', 'must be empty to be structural'],
  ['additionalProperties', (v) => v !== undefined, 'must be undefined to be structural'],
  ['default', (v) => v !== undefined && v !== null, 'must be undefined to be structural'],
  ['title', (v) => typeof v === 'string' && v !== '', 'must be empty to be structural'],
  ['description', (v) => typeof v === 'string' && v !== '', 'must be empty to be structural'],
  ['nullable', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-int-or-string', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', (v) => Array.isArray(v) && v.length > 0, 'must be empty to be structural'],
  ['x-kubernetes-list-type', (v) => v !== undefined, 'must be undefined to be structural'],
  ['x-kubernetes-map-type', (v) => v !== undefined, 'must be undefined to be structural'],
  ['x-kubernetes-validations', (v) => Array.isArray(v) && v.length > 0, 'must be empty to be structural'],
];

function nested(v: JSONSchemaProps, skipAnyOf: boolean, path: string): FieldError[] {
  if (!isSchema(v)) return [];
  const errs = valueValidation(v, skipAnyOf, false, path);
  const items = plainItems(v);
  if (items) errs.push(...nested(items, false, `${path}.items`));
  for (const [k, p] of entries(v.properties)) errs.push(...nested(p, false, propPath(path, k)));
  for (const [key, present, detail] of NESTED_FORBIDDEN) {
    if (present(v[key])) errs.push(fieldErr.forbidden(`${path}.${key}`, detail));
  }
  // Reasoning about metadata in value validations could restrict it in ways pruning does not see.
  if (isPlainObject(v.properties) && hasOwn(v.properties, 'metadata')) {
    errs.push(fieldErr.forbidden(propPath(path, 'metadata'), 'must not be specified in a nested context'));
  }
  return errs;
}

/** Every property or items mentioned in a value validation must also be specified structurally. */
function completeness(s: JSONSchemaProps, path: string): FieldError[] {
  if (!isSchema(s)) return [];
  const errs: FieldError[] = [];
  const items = plainItems(s);
  if (items) errs.push(...completeness(items, `${path}.items`));
  for (const [k, p] of entries(s.properties)) errs.push(...completeness(p, propPath(path, k)));
  if (isPlainObject(s.additionalProperties)) {
    errs.push(...completeness(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`));
  }
  errs.push(...junctorCompleteness(s, s, path, path));
  return errs;
}

function junctorCompleteness(
  v: JSONSchemaProps,
  s: JSONSchemaProps,
  sPath: string,
  vPath: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (v.not !== undefined) errs.push(...nestedCompleteness(v.not, s, sPath, `${vPath}.not`));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = v[key];
    if (Array.isArray(list)) {
      list.forEach((x: JSONSchemaProps, i) =>
        errs.push(...nestedCompleteness(x, s, sPath, `${vPath}.${key}[${i}]`)),
      );
    }
  }
  return errs;
}

function nestedCompleteness(
  v: JSONSchemaProps,
  s: JSONSchemaProps | undefined,
  sPath: string,
  vPath: string,
): FieldError[] {
  if (!isSchema(v)) return [];
  if (!s) return [fieldErr.required(sPath, `because it is defined in ${vPath}`)];
  const errs = junctorCompleteness(v, s, sPath, vPath);
  if (isPlainObject(v.items)) {
    errs.push(...nestedCompleteness(v.items, plainItems(s), `${sPath}.items`, `${vPath}.items`));
  }
  const sProps = propsOf(s);
  for (const [k, p] of entries(v.properties)) {
    if (!hasOwn(sProps, k)) {
      errs.push(fieldErr.required(propPath(sPath, k), `because it is defined in ${propPath(vPath, k)}`));
    } else {
      errs.push(...nestedCompleteness(p, sProps[k], propPath(sPath, k), propPath(vPath, k)));
    }
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Defaults: must already be pruned and must validate against their own schema.

function checkDefaults(
  s: JSONSchemaProps,
  path: string,
  insideMeta: boolean,
  resourceRoot: boolean,
): FieldError[] {
  if (!isSchema(s)) return [];
  const errs: FieldError[] = [];
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  // Defaults under the root apiVersion/kind/metadata are forbidden outright (dialect checks).
  if (hasDefault(s) && !insideMeta) {
    const pruned = deepClone(s.default);
    prune(pruned, s, { root: embedded });
    if (!deepEqual(pruned, s.default))
      errs.push(fieldErr.invalid(`${path}.default`, s.default, 'must not have unknown fields'));
    errs.push(...validateValueAt(s.default, s, `${path}.default`, ''));
  }
  const items = plainItems(s);
  if (items) errs.push(...checkDefaults(items, `${path}.items`, insideMeta, false));
  for (const [k, p] of entries(s.properties)) {
    const meta = insideMeta || ((resourceRoot || embedded) && META_FIELDS.has(k));
    errs.push(...checkDefaults(p, propPath(path, k), meta, false));
  }
  if (isPlainObject(s.additionalProperties)) {
    errs.push(
      ...checkDefaults(
        s.additionalProperties as JSONSchemaProps,
        `${path}.additionalProperties`,
        insideMeta,
        false,
      ),
    );
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// 2. OpenAPI dialect checks

interface DialectCtx {
  isRoot: boolean;
  /** Inside the apiVersion/kind/metadata of the root or of an embedded resource. */
  insideMeta: boolean;
  allowDefaults: boolean;
  /** Why defaults are not allowed here, appended to "must not be set". */
  reason: string;
}

function typeRequired(path: string, type: string, detail: string): FieldError {
  return type ? fieldErr.invalid(`${path}.type`, type, detail) : fieldErr.required(`${path}.type`, detail);
}

function dialect(s: JSONSchemaProps, path: string, ctx: DialectCtx): FieldError[] {
  if (!isSchema(s)) return [];
  const raw = s as Raw;
  const errs: FieldError[] = [];
  const type = typeof raw.type === 'string' ? (raw.type as string) : '';
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  const props = propsOf(s);

  if (type === 'null') {
    errs.push(
      fieldErr.forbidden(`${path}.type`, 'type cannot be set to null, use nullable as an alternative'),
    );
  } else if (type && !VALID_TYPES.includes(type)) {
    errs.push(fieldErr.notSupported(`${path}.type`, type, VALID_TYPES));
  }
  if (hasDefault(s) && !ctx.allowDefaults) {
    errs.push(fieldErr.forbidden(`${path}.default`, `must not be set${ctx.reason ? ` ${ctx.reason}` : ''}`));
  }
  if (raw.id !== undefined && raw.id !== '')
    errs.push(fieldErr.forbidden(`${path}.id`, 'id is not supported'));
  if (raw.additionalItems !== undefined) {
    errs.push(fieldErr.forbidden(`${path}.additionalItems`, 'additionalItems is not supported'));
  }
  if (isPlainObject(raw.patternProperties) && Object.keys(raw.patternProperties).length) {
    errs.push(fieldErr.forbidden(`${path}.patternProperties`, 'patternProperties is not supported'));
  }
  if (isPlainObject(raw.definitions) && Object.keys(raw.definitions).length) {
    errs.push(fieldErr.forbidden(`${path}.definitions`, 'definitions is not supported'));
  }
  if (raw.dependencies !== undefined)
    errs.push(fieldErr.forbidden(`${path}.dependencies`, 'dependencies is not supported'));
  if (raw.$ref !== undefined) errs.push(fieldErr.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (Array.isArray(raw.items)) {
    errs.push(fieldErr.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  }
  if (ctx.insideMeta && embedded) {
    errs.push(
      fieldErr.forbidden(
        `${path}.x-kubernetes-embedded-resource`,
        'must not be used inside of resource meta',
      ),
    );
  }
  if (s.uniqueItems === true) {
    errs.push(
      fieldErr.forbidden(
        `${path}.uniqueItems`,
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  }

  const inner: DialectCtx = { ...ctx, isRoot: false };
  if (s.additionalProperties !== undefined) {
    // additionalProperties: true next to properties is harmless; a schema or false contradicts them.
    if (Object.keys(props).length && s.additionalProperties !== true) {
      errs.push(
        fieldErr.forbidden(
          `${path}.additionalProperties`,
          'additionalProperties and properties are mutual exclusive',
        ),
      );
    }
    if (isPlainObject(s.additionalProperties)) {
      // Pruning a map value without knowing the value is ambiguous under metadata, so no defaults there.
      const sub = ctx.insideMeta
        ? {
            ...inner,
            allowDefaults: false,
            reason: 'inside additionalProperties applying to object metadata',
          }
        : inner;
      errs.push(...dialect(s.additionalProperties as JSONSchemaProps, `${path}.additionalProperties`, sub));
    }
  }
  for (const [k, p] of entries(props)) {
    let sub = inner;
    if ((ctx.isRoot || embedded) && META_FIELDS.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (ctx.isRoot) sub = { ...sub, allowDefaults: false, reason: `in top-level ${k}` };
    }
    errs.push(...dialect(p, propPath(path, k), sub));
  }
  if (s.not !== undefined) errs.push(...dialect(s.not, `${path}.not`, inner));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) list.forEach((x, i) => errs.push(...dialect(x, `${path}.${key}[${i}]`, inner)));
  }
  if (Array.isArray(raw.items)) {
    (raw.items as JSONSchemaProps[]).forEach((x, i) =>
      errs.push(...dialect(x, `${path}.items[${i}]`, inner)),
    );
  } else if (isPlainObject(s.items)) {
    errs.push(...dialect(s.items, `${path}.items`, inner));
  }

  if (raw['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(
      fieldErr.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'),
    );
  }
  errs.push(...mapAndListTypes(s, path, type));
  errs.push(...celRuleShapes(s, path));
  return errs;
}

function mapAndListTypes(s: JSONSchemaProps, path: string, type: string): FieldError[] {
  const errs: FieldError[] = [];
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined && type !== 'object') {
    errs.push(typeRequired(path, type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(fieldErr.notSupported(`${path}.x-kubernetes-map-type`, mapType, ['atomic', 'granular']));
  }

  const listType = s['x-kubernetes-list-type'];
  const items = plainItems(s);
  if (listType !== undefined && type !== 'array') {
    errs.push(typeRequired(path, type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items) {
    // Set elements are compared whole, so they must be scalars or atomic.
    const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    const itemList = items['x-kubernetes-list-type'];
    const itemMap = items['x-kubernetes-map-type'];
    if (items.type === 'array' && itemList !== undefined && itemList !== 'atomic') {
      errs.push(fieldErr.invalid(`${path}.items.x-kubernetes-list-type`, itemList, detail));
    } else if (items.type === 'object' && itemMap !== 'atomic') {
      errs.push(fieldErr.invalid(`${path}.items.x-kubernetes-map-type`, itemMap ?? null, detail));
    }
  }
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    errs.push(fieldErr.notSupported(`${path}.x-kubernetes-list-type`, listType, ['atomic', 'set', 'map']));
  }

  const keys = Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : [];
  if (keys.length) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (listType === undefined) errs.push(fieldErr.required(`${path}.x-kubernetes-list-type`, detail));
    else if (listType !== 'map')
      errs.push(fieldErr.invalid(`${path}.x-kubernetes-list-type`, listType, detail));
  }
  if (listType === 'map') {
    if (!keys.length) {
      errs.push(
        fieldErr.required(
          `${path}.x-kubernetes-list-map-keys`,
          'must not be empty if x-kubernetes-list-type is map',
        ),
      );
    }
    if (s.items === undefined) {
      errs.push(fieldErr.required(`${path}.items`, 'must have a schema if x-kubernetes-list-type is map'));
    } else if (!items) {
      errs.push(
        fieldErr.invalid(
          `${path}.items`,
          s.items,
          'must only have a single schema if x-kubernetes-list-type is map',
        ),
      );
    } else if (items.type !== 'object') {
      errs.push(
        fieldErr.invalid(
          `${path}.items.type`,
          items.type ?? '',
          "must be object if parent array's x-kubernetes-list-type is map",
        ),
      );
    } else {
      const itemProps = propsOf(items);
      const seen = new Set<string>();
      for (const k of keys) {
        if (!hasOwn(itemProps, k)) {
          errs.push(
            fieldErr.invalid(
              `${path}.x-kubernetes-list-map-keys`,
              keys,
              'entries must all be names of item properties',
            ),
          );
        } else if (itemProps[k].type === 'array' || itemProps[k].type === 'object') {
          errs.push(
            fieldErr.invalid(
              `${propPath(`${path}.items`, k)}.type`,
              itemProps[k].type,
              "must be a scalar type if parent array's x-kubernetes-list-type is map",
            ),
          );
        }
        if (seen.has(k))
          errs.push(
            fieldErr.invalid(
              `${path}.x-kubernetes-list-map-keys`,
              keys,
              'must not contain duplicate entries',
            ),
          );
        seen.add(k);
      }
    }
  }

  // Entries of set and map lists are identified by value or by key, so they must never be null.
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable) {
      errs.push(
        fieldErr.forbidden(
          `${path}.items.nullable`,
          `cannot be nullable when x-kubernetes-list-type is ${listType}`,
        ),
      );
    }
    if (listType === 'map') {
      const itemProps = propsOf(items);
      const required = new Set(Array.isArray(items.required) ? items.required : []);
      for (const k of keys) {
        if (!hasOwn(itemProps, k)) continue;
        const keyPath = propPath(`${path}.items`, k);
        if (!required.has(k) && !hasDefault(itemProps[k])) {
          errs.push(
            fieldErr.required(
              `${keyPath}.default`,
              'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
            ),
          );
        }
        if (itemProps[k].nullable) {
          errs.push(
            fieldErr.forbidden(
              `${keyPath}.nullable`,
              'this property is in x-kubernetes-list-map-keys, so it cannot be nullable',
            ),
          );
        }
      }
    }
  }
  return errs;
}

/** CEL rules are not evaluated here, but malformed ones are rejected as upstream does. */
function celRuleShapes(s: JSONSchemaProps, path: string): FieldError[] {
  const rules = s['x-kubernetes-validations'];
  if (!Array.isArray(rules)) return [];
  const errs: FieldError[] = [];
  const hasNewline = (x: string): boolean => /[\n\r]/.test(x);
  rules.forEach((r, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (!isPlainObject(r)) {
      errs.push(fieldErr.invalid(at, r, 'must be an object'));
      return;
    }
    const rule = typeof r.rule === 'string' ? r.rule.trim() : '';
    const message = typeof r.message === 'string' ? r.message : '';
    if (!rule) errs.push(fieldErr.required(`${at}.rule`, 'rule is not specified'));
    else if (message && !message.trim())
      errs.push(fieldErr.invalid(`${at}.message`, message, 'message must be non-empty if specified'));
    else if (hasNewline(message.trim())) {
      errs.push(fieldErr.invalid(`${at}.message`, message, 'message must not contain line breaks'));
    } else if (hasNewline(rule) && !message.trim()) {
      errs.push(fieldErr.required(`${at}.message`, 'message must be specified if rule contains line breaks'));
    }
    if (typeof r.messageExpression === 'string' && r.messageExpression && !r.messageExpression.trim()) {
      errs.push(
        fieldErr.required(`${at}.messageExpression`, 'messageExpression must be non-empty if specified'),
      );
    }
    if (r.reason !== undefined && !CEL_REASONS.includes(r.reason)) {
      errs.push(fieldErr.notSupported(`${at}.reason`, r.reason, CEL_REASONS));
    }
    if (typeof r.fieldPath === 'string' && r.fieldPath) {
      if (!r.fieldPath.trim())
        errs.push(
          fieldErr.invalid(`${at}.fieldPath`, r.fieldPath, 'fieldPath must be non-empty if specified'),
        );
      if (hasNewline(r.fieldPath))
        errs.push(fieldErr.invalid(`${at}.fieldPath`, r.fieldPath, 'fieldPath must not contain line breaks'));
    }
  });
  return errs;
}
