/**
 * CustomResourceDefinition (apiextensions.k8s.io/v1) defaulting and validation, per
 * apiserver-compat.md §14.1, with upstream's field paths and messages. Pure functions on the JSON
 * object; the strategy in controller.ts calls them.
 */
import { fieldErr, type FieldError } from '../errors.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../schema/dns.js';
import { childPath, hasOwn, isPlainObject } from '../schema/json.js';
import { checkStructural } from '../schema/structural.js';
import type { JSONSchemaProps } from '../schema/types.js';

const PRINTER_COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const MAX_SELECTABLE_FIELDS = 8;
/** Root schema keys allowed when the status subresource is on (status is split off as properties.status). */
const ROOT_KEYS_WITH_STATUS = new Set([
  'description',
  'type',
  'format',
  'title',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'multipleOf',
  'required',
  'items',
  'properties',
  'externalDocs',
  'example',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-validations',
]);
const ROOT_FIELDS_WITH_STATUS_TEXT =
  '[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Record<string, any> => (isPlainObject(v) ? v : {});

/** Server-side defaults of a v1 CRD (mutates `crd`). */
export function defaultCRD(crd: any): void {
  if (!isPlainObject(crd)) return;
  if (!isPlainObject(crd.spec)) return;
  const spec: Record<string, any> = crd.spec;
  if (!isPlainObject(spec.names)) spec.names = {};
  const names: Record<string, any> = spec.names;
  const kind = str(names.kind);
  if (kind && !names.singular) names.singular = kind.toLowerCase();
  if (kind && !names.listKind) names.listKind = `${kind}List`;
  if (!isPlainObject(spec.conversion)) spec.conversion = { strategy: 'None' };
  else if (!spec.conversion.strategy) spec.conversion.strategy = 'None';
}

/** Validates a CRD on create (`old` undefined) or update. Empty array = valid. */
export function validateCRD(crd: any, old?: any): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(crd?.spec);
  const names = obj(spec.names);
  const group = str(spec.group);

  const wantName = `${str(names.plural)}.${group}`;
  const name = crd?.metadata?.name;
  if (name !== wantName)
    errs.push(fieldErr.invalid('metadata.name', name ?? '', 'must be spec.names.plural+"."+spec.group'));

  if (!isPlainObject(crd?.spec)) {
    errs.push(fieldErr.required('spec', ''));
    return errs;
  }

  if (!group) errs.push(fieldErr.required('spec.group', ''));
  else {
    const problems = isDNS1123Subdomain(group);
    if (problems.length) errs.push(fieldErr.invalid('spec.group', group, problems.join(',')));
    else if (!group.includes('.'))
      errs.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }

  const scope = spec.scope;
  if (scope === undefined || scope === '') errs.push(fieldErr.required('spec.scope', ''));
  else if (scope !== 'Cluster' && scope !== 'Namespaced')
    errs.push(fieldErr.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));

  if (spec.preserveUnknownFields === true) {
    errs.push(
      fieldErr.invalid(
        'spec.preserveUnknownFields',
        true,
        'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
      ),
    );
  }

  errs.push(...validateVersions(spec));

  for (const k of ['plural', 'singular', 'kind', 'listKind']) {
    if (!str(names[k])) errs.push(fieldErr.required(`spec.names.${k}`, ''));
  }
  errs.push(...validateNames(names, 'spec.names'));
  errs.push(...validateConversion(spec.conversion));

  if (old !== undefined) errs.push(...validateUpdate(spec, obj(old?.spec), isEstablished(old)));
  errs.push(...validateStoredVersions(crd, old, spec));
  return errs;
}

function validateVersions(spec: Record<string, any>): FieldError[] {
  const errs: FieldError[] = [];
  const versions = arr(spec.versions);
  if (!versions.length) {
    errs.push(fieldErr.required('spec.versions', 'must have at least one version'));
    return errs;
  }
  const seen = new Set<string>();
  let duplicate = false;
  let storage = 0;
  versions.forEach((raw, i) => {
    const v = obj(raw);
    const path = `spec.versions[${i}]`;
    const vname = str(v.name);
    if (seen.has(vname)) duplicate = true;
    seen.add(vname);
    if (v.storage === true) storage++;
    const problems = isDNS1035Label(vname);
    if (problems.length) errs.push(fieldErr.invalid(`${path}.name`, vname, problems.join(',')));
    errs.push(...validateVersion(v, path));
  });
  const versionNames = versions.map((v) => obj(v).name ?? '');
  if (duplicate)
    errs.push(fieldErr.invalid('spec.versions', versionNames, 'must contain unique version names'));
  if (storage !== 1) {
    errs.push(
      fieldErr.invalid(
        'spec.versions',
        versionNames,
        'must have exactly one version marked as storage version',
      ),
    );
  }
  return errs;
}

function validateVersion(v: Record<string, any>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (v.deprecationWarning !== undefined && v.deprecationWarning !== null) {
    const w = String(v.deprecationWarning);
    const at = `${path}.deprecationWarning`;
    if (v.deprecated !== true) errs.push(fieldErr.invalid(at, w, 'can only be set for deprecated versions'));
    else if (w.length > 256) errs.push(fieldErr.invalid(at, w, 'must be <= 256 characters long'));
    else if (!w) errs.push(fieldErr.invalid(at, w, 'must not be an empty string'));
  }

  const schemaPath = `${path}.schema.openAPIV3Schema`;
  const schema: JSONSchemaProps | undefined = v.schema?.openAPIV3Schema;
  const statusEnabled =
    isPlainObject(v.subresources) && v.subresources.status !== undefined && v.subresources.status !== null;
  if (schema === undefined || schema === null) {
    errs.push(fieldErr.required(schemaPath, 'schemas are required'));
  } else {
    if (statusEnabled && isPlainObject(schema)) errs.push(...rootSchemaWithStatus(schema, schemaPath));
    errs.push(...checkStructural(schema, schemaPath));
  }

  errs.push(...validateSubresources(v.subresources, `${path}.subresources`));
  arr(v.additionalPrinterColumns).forEach((c, i) =>
    errs.push(...validatePrinterColumn(obj(c), `${path}.additionalPrinterColumns[${i}]`)),
  );
  if (v.selectableFields !== undefined) {
    errs.push(
      ...validateSelectableFields(
        arr(v.selectableFields),
        isPlainObject(schema) ? schema : undefined,
        `${path}.selectableFields`,
      ),
    );
  }
  return errs;
}

/** With the status subresource the root schema may only hold what survives splitting off `status`. */
function rootSchemaWithStatus(schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (schema.type !== undefined && schema.type !== 'object') {
    errs.push(
      fieldErr.invalid(
        `${path}.type`,
        schema.type,
        'only "object" is allowed as the type at the root of the schema if the status subresource is enabled',
      ),
    );
  }
  const extra = Object.entries(schema).some(([k, val]) => !ROOT_KEYS_WITH_STATUS.has(k) && !isZero(val));
  if (extra) {
    errs.push({
      type: 'FieldValueInvalid',
      field: path,
      omitValue: true,
      detail: `only ${ROOT_FIELDS_WITH_STATUS_TEXT} fields are allowed at the root of the schema if the status subresource is enabled`,
    });
  }
  return errs;
}

/** Go's zero values are "not set" for upstream's reflection-based root check. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isPlainObject(v)) return Object.keys(v).length === 0;
  return false;
}

/** Upstream's "simple JSON path": starts with a dot, dot-separated. */
function simpleJSONPath(s: string, path: string): FieldError[] {
  if (!s) return [fieldErr.invalid(path, s, 'must not be empty')];
  if (s[0] !== '.') return [fieldErr.invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: unknown, path: string): FieldError[] {
  if (!isPlainObject(sub) || !isPlainObject(sub.scale)) return [];
  const errs: FieldError[] = [];
  const scale = sub.scale;
  const check = (key: string, prefixes: string[], detail: string, required: boolean): void => {
    const at = `${path}.scale.${key}`;
    const val = scale[key];
    if (val === undefined || val === null || val === '') {
      if (required) errs.push(fieldErr.required(at, ''));
      return;
    }
    const s = String(val);
    const bad = simpleJSONPath(s, at);
    if (bad.length) errs.push(...bad);
    else if (!prefixes.some((p) => s.startsWith(p))) errs.push(fieldErr.invalid(at, s, detail));
  };
  check('specReplicasPath', ['.spec.'], 'should be a json path under .spec', true);
  check('statusReplicasPath', ['.status.'], 'should be a json path under .status', true);
  check(
    'labelSelectorPath',
    ['.spec.', '.status.'],
    'should be a json path under either .spec or .status',
    false,
  );
  return errs;
}

function validatePrinterColumn(c: Record<string, any>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(c.name)) errs.push(fieldErr.required(`${path}.name`, ''));
  const typeDetail = `must be one of ${PRINTER_COLUMN_TYPES.join(',')}`;
  if (!c.type) errs.push(fieldErr.required(`${path}.type`, typeDetail));
  else if (!PRINTER_COLUMN_TYPES.includes(c.type))
    errs.push(fieldErr.invalid(`${path}.type`, c.type, typeDetail));
  if (c.format && !PRINTER_COLUMN_FORMATS.includes(c.format)) {
    errs.push(
      fieldErr.invalid(`${path}.format`, c.format, `must be one of ${PRINTER_COLUMN_FORMATS.join(',')}`),
    );
  }
  // Upstream reports the internal field name, JSONPath, not the wire name jsonPath.
  if (!str(c.jsonPath)) errs.push(fieldErr.required(`${path}.JSONPath`, ''));
  else errs.push(...simpleJSONPath(c.jsonPath, `${path}.JSONPath`));
  return errs;
}

/** Follows `.a.b.c` through `properties`; undefined when the path leaves the declared schema. */
function schemaAt(schema: JSONSchemaProps, jsonPath: string): JSONSchemaProps | undefined {
  let s: JSONSchemaProps | undefined = schema;
  for (const seg of jsonPath.slice(1).split('.')) {
    if (!seg || !s?.properties || !hasOwn(s.properties, seg)) return undefined;
    s = s.properties[seg];
  }
  return s;
}

function validateSelectableFields(
  fields: any[],
  schema: JSONSchemaProps | undefined,
  path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!schema)
    return [
      fieldErr.invalid(
        path,
        '',
        'selectableFields may only be set when version.schema.openAPIV3Schema is not included',
      ),
    ];
  const unique = new Set<string>();
  fields.forEach((f, i) => {
    const at = `${path}[${i}].jsonPath`;
    const jp = str(obj(f).jsonPath);
    if (!jp) {
      errs.push(fieldErr.required(at, ''));
      return;
    }
    const target = jp.startsWith('.') ? schemaAt(schema, jp) : undefined;
    if (!target) {
      errs.push(fieldErr.invalid(at, jp, `is an invalid path: no such field: ${jp}`));
      return;
    }
    if (jp === '.metadata' || jp.startsWith('.metadata.'))
      errs.push(fieldErr.invalid(at, jp, 'must not point to fields in metadata'));
    if (target.type !== 'string' && target.type !== 'boolean' && target.type !== 'integer') {
      errs.push(
        fieldErr.invalid(
          at,
          jp,
          'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
        ),
      );
    }
    if (unique.has(jp)) errs.push(fieldErr.duplicate(at, jp));
    unique.add(jp);
  });
  if (unique.size > MAX_SELECTABLE_FIELDS)
    errs.push(fieldErr.tooMany(path, unique.size, MAX_SELECTABLE_FIELDS));
  return errs;
}

function validateNames(names: Record<string, any>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const label = (key: string, value: string, mixedCase = false): void => {
    const problems = isDNS1035Label(mixedCase ? value.toLowerCase() : value);
    if (!problems.length) return;
    const detail = mixedCase
      ? `may have mixed case, but should otherwise match: ${problems.join(',')}`
      : problems.join(',');
    errs.push(fieldErr.invalid(childPath(path, key), value, detail));
  };
  if (str(names.plural)) label('plural', names.plural);
  if (str(names.singular)) label('singular', names.singular);
  if (str(names.kind)) label('kind', names.kind, true);
  if (str(names.listKind)) label('listKind', names.listKind, true);
  arr(names.shortNames).forEach((s, i) => label(`shortNames[${i}]`, String(s)));
  if (str(names.kind) && names.kind === names.listKind) {
    errs.push(fieldErr.invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  }
  arr(names.categories).forEach((s, i) => label(`categories[${i}]`, String(s)));
  return errs;
}

function validateConversion(conversion: unknown): FieldError[] {
  if (!isPlainObject(conversion)) return [];
  const errs: FieldError[] = [];
  const strategy = conversion.strategy;
  if (!strategy) errs.push(fieldErr.required('spec.conversion.strategy', ''));
  else if (strategy === 'Webhook') {
    errs.push(
      fieldErr.invalid(
        'spec.conversion.strategy',
        strategy,
        'conversion webhooks are not supported by this server; use strategy None',
      ),
    );
  } else if (strategy !== 'None') {
    errs.push(fieldErr.notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook']));
  } else {
    // v1 nests these under `webhook`; upstream reports them by their internal names.
    const webhook = obj(conversion.webhook);
    if (webhook.clientConfig !== undefined && webhook.clientConfig !== null) {
      errs.push(
        fieldErr.forbidden(
          'spec.conversion.webhookClientConfig',
          'should not be set when strategy is not set to Webhook',
        ),
      );
    }
    if (arr(webhook.conversionReviewVersions).length) {
      errs.push(
        fieldErr.forbidden(
          'spec.conversion.conversionReviewVersions',
          'should not be set when strategy is not set to Webhook',
        ),
      );
    }
  }
  return errs;
}

function isEstablished(crd: any): boolean {
  return arr(crd?.status?.conditions).some((c) => c?.type === 'Established' && c?.status === 'True');
}

function immutable(path: string, now: unknown, before: unknown): FieldError[] {
  return now === before ? [] : [fieldErr.invalid(path, now ?? '', 'field is immutable')];
}

function validateUpdate(
  spec: Record<string, any>,
  oldSpec: Record<string, any>,
  established: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  // scope and kind shape storage and clients once served; before that they may still change.
  if (established) {
    errs.push(...immutable('spec.scope', spec.scope, oldSpec.scope));
    errs.push(...immutable('spec.names.kind', obj(spec.names).kind, obj(oldSpec.names).kind));
  }
  // Both are part of the CRD's name, which never changes.
  errs.push(...immutable('spec.group', spec.group, oldSpec.group));
  errs.push(...immutable('spec.names.plural', obj(spec.names).plural, obj(oldSpec.names).plural));
  return errs;
}

/** A version that ever was the storage version may still have stored objects: it must stay listed. */
function validateStoredVersions(crd: any, old: any, spec: Record<string, any>): FieldError[] {
  const stored: string[] = [];
  for (const v of [...arr(crd?.status?.storedVersions), ...arr(old?.status?.storedVersions)]) {
    if (typeof v === 'string' && !stored.includes(v)) stored.push(v);
  }
  const listed = new Set(arr(spec.versions).map((v) => obj(v).name));
  const errs: FieldError[] = [];
  stored.forEach((v, i) => {
    if (listed.has(v)) return;
    errs.push(
      fieldErr.invalid(
        `status.storedVersions[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  });
  return errs;
}
