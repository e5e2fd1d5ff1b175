import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../errors.js';
import type { JSONSchemaProps } from './types.js';
import { listCelRules, validateValue } from './validate.js';

const msgs = (v: unknown, s: JSONSchemaProps): string[] => validateValue(v, s).map(formatFieldError);
const spec = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({
  type: 'object',
  properties: { spec: { type: 'object', properties, ...extra } },
});

describe('validateValue: types', () => {
  it('reports type mismatches like go-openapi', () => {
    const s = spec({
      replicas: { type: 'integer' },
      ratio: { type: 'number' },
      on: { type: 'boolean' },
      l: { type: 'array', items: { type: 'string' } },
    });
    expect(msgs({ spec: { replicas: 'string', ratio: 2, on: 'yes', l: {} } }, s)).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.on: Invalid value: "string": spec.on in body must be of type boolean: "string"',
      'spec.l: Invalid value: "object": spec.l in body must be of type array: "object"',
    ]);
    expect(msgs({ spec: { replicas: 1.5 } }, s)).toEqual([
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
    ]);
    expect(validateValue({ spec: { replicas: 'x' } }, s)[0].type).toBe('FieldValueTypeInvalid');
  });

  it('handles null by nullable', () => {
    const s = spec({ a: { type: 'string' }, b: { type: 'string', nullable: true } });
    expect(msgs({ spec: { a: null, b: null } }, s)).toEqual([
      'spec.a: Invalid value: "null": spec.a in body must be of type string: "null"',
    ]);
  });

  it('accepts integers or strings for int-or-string, with or without the anyOf spelling', () => {
    const s = spec({
      p: { 'x-kubernetes-int-or-string': true },
      q: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    });
    expect(msgs({ spec: { p: 80, q: 'http' } }, s)).toEqual([]);
    expect(msgs({ spec: { p: true, q: 1.5 } }, s)).toEqual([
      'spec.p: Invalid value: "boolean": spec.p in body must be of type integer,string: "boolean"',
      'spec.q: Invalid value: "number": spec.q in body must be of type integer,string: "number"',
    ]);
  });

  it('accepts anything where the schema preserves unknown fields without a type', () => {
    expect(
      msgs(
        { spec: { any: [1, { a: null }] } },
        spec({ any: { 'x-kubernetes-preserve-unknown-fields': true } }),
      ),
    ).toEqual([]);
  });
});

describe('validateValue: value validations', () => {
  it('checks strings: length, pattern, enum, format', () => {
    const s = spec({
      name: { type: 'string', maxLength: 5, minLength: 2, pattern: '^[a-z]+$' },
      size: { type: 'string', enum: ['small', 'large'] },
      at: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      odd: { type: 'string', format: 'not-a-known-format' },
    });
    expect(
      msgs({ spec: { name: 'Abcdefg', size: 'medium', at: 'yesterday', id: 'nope', odd: '?' } }, s),
    ).toEqual([
      'spec.name: Too long: may not be more than 5 bytes',
      `spec.name: Invalid value: "Abcdefg": spec.name in body should match '^[a-z]+$'`,
      'spec.size: Unsupported value: "medium": supported values: "small", "large"',
      'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"',
      'spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"',
    ]);
    expect(msgs({ spec: { name: 'a' } }, s)).toEqual([
      'spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long',
    ]);
    expect(
      msgs(
        { spec: { name: 'ab', at: '2024-02-29T10:00:00Z', id: '123e4567-e89b-12d3-a456-426614174000' } },
        s,
      ),
    ).toEqual([]);
  });

  it('counts characters, not UTF-16 units, for lengths', () => {
    expect(msgs({ spec: { s: '😀😀' } }, spec({ s: { type: 'string', maxLength: 2 } }))).toEqual([]);
  });

  it('checks numbers: bounds, exclusivity, multipleOf, int32', () => {
    const s = spec({
      a: { type: 'integer', minimum: 1, maximum: 10 },
      b: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
      c: { type: 'integer', multipleOf: 5 },
      d: { type: 'integer', format: 'int32' },
    });
    expect(msgs({ spec: { a: 0, b: 1, c: 7, d: 2 ** 31 } }, s)).toEqual([
      'spec.a: Invalid value: 0: spec.a in body should be greater than or equal to 1',
      'spec.b: Invalid value: 1: spec.b in body should be less than 1',
      'spec.c: Invalid value: 7: spec.c in body should be a multiple of 5',
      'spec.d: Invalid value: 2147483648: spec.d in body must be of type int32: "2147483648"',
    ]);
    expect(msgs({ spec: { a: 11, b: 0 } }, s)).toEqual([
      'spec.a: Invalid value: 11: spec.a in body should be less than or equal to 10',
      'spec.b: Invalid value: 0: spec.b in body should be greater than 0',
    ]);
  });

  it('checks arrays and objects: item counts, property counts, required', () => {
    const s = spec(
      {
        l: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 },
        m: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1, maxProperties: 1 },
        name: { type: 'string' },
      },
      { required: ['name'] },
    );
    const errs = validateValue({ spec: { l: [1, 'x', 3], m: { a: 'x', b: 2 } } }, s);
    expect(errs.map(formatFieldError)).toEqual([
      'spec.name: Required value',
      'spec.l: Too many: 3: must have at most 2 items',
      'spec.l[1]: Invalid value: "string": spec.l[1] in body must be of type integer: "string"',
      'spec.m: Too many: 2: must have at most 1 items',
      'spec.m.b: Invalid value: "integer": spec.m.b in body must be of type string: "integer"',
    ]);
    expect(errs[1]).toMatchObject({ type: 'FieldValueTooMany', value: 3 });
    expect(msgs({ spec: { name: 'x', l: [], m: {} } }, s)).toEqual([
      'spec.l: Invalid value: 0: spec.l in body should have at least 1 items',
      'spec.m: Invalid value: 0: spec.m in body should have at least 1 properties',
    ]);
    expect(msgs({}, { type: 'object', required: ['spec'] })).toEqual(['spec: Required value']);
  });
});

describe('validateValue: list types', () => {
  it('rejects duplicates in set lists', () => {
    const s = spec({ tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } });
    expect(msgs({ spec: { tags: ['a', 'b', 'a'] } }, s)).toEqual(['spec.tags[2]: Duplicate value: "a"']);
  });

  it('rejects duplicate keys in map lists, keys compared whole', () => {
    const s = spec({
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } },
      },
    });
    expect(
      msgs(
        {
          spec: {
            ports: [
              { port: 80, protocol: 'TCP' },
              { port: 80, protocol: 'UDP' },
              { port: 80, protocol: 'TCP' },
            ],
          },
        },
        s,
      ),
    ).toEqual(['spec.ports[2]: Duplicate value: {"port":80,"protocol":"TCP"}']);
  });
});

describe('validateValue: composition', () => {
  // KubeStellar's BindingPolicy: each downsync clause must name at least one selector.
  const clause: JSONSchemaProps = {
    type: 'object',
    properties: {
      apiGroup: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      namespaces: { type: 'array', items: { type: 'string' } },
    },
    anyOf: [{ required: ['apiGroup'] }, { required: ['resources'] }, { required: ['namespaces'] }],
  };
  const s = spec({ downsync: { type: 'array', items: clause } });

  it('explains an anyOf of required lists as "at least one of"', () => {
    expect(msgs({ spec: { downsync: [{ resources: ['*'] }, {}] } }, s)).toEqual([
      'spec.downsync[1]: Required value: must specify at least one of: "apiGroup", "resources", "namespaces"',
    ]);
  });

  it('reports other anyOf failures upstream-style, with the closest branch', () => {
    const t = spec({ v: { type: 'string', anyOf: [{ pattern: '^a' }, { maxLength: 1 }] } });
    expect(msgs({ spec: { v: 'bcd' } }, t)).toEqual([
      'spec.v: Invalid value: "": "spec.v" must validate at least one schema (anyOf)',
      `spec.v: Invalid value: "bcd": spec.v in body should match '^a'`,
    ]);
    expect(msgs({ spec: { v: 'abc' } }, t)).toEqual([]);
  });

  it('handles oneOf, allOf and not', () => {
    const t = spec({
      o: {
        type: 'object',
        properties: { a: { type: 'string' }, b: { type: 'string' } },
        oneOf: [{ required: ['a'] }, { required: ['b'] }],
      },
      n: { type: 'integer', allOf: [{ minimum: 0 }, { maximum: 9 }], not: { enum: [5] } },
    });
    expect(msgs({ spec: { o: { a: 'x' }, n: 3 } }, t)).toEqual([]);
    expect(msgs({ spec: { o: { a: 'x', b: 'y' }, n: 5 } }, t)).toEqual([
      'spec.o: Invalid value: "": "spec.o" must validate one and only one schema (oneOf). Found 2 valid alternatives',
      'spec.n: Invalid value: "": "spec.n" must not validate the schema (not)',
    ]);
    expect(msgs({ spec: { o: {}, n: 12 } }, t)).toEqual([
      'spec.o: Invalid value: "": "spec.o" must validate one and only one schema (oneOf). Found none valid',
      'spec.o.a: Required value',
      'spec.n: Invalid value: 12: spec.n in body should be less than or equal to 9',
    ]);
  });
});

describe('validateValue: embedded resources', () => {
  const s = spec({
    template: {
      type: 'object',
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
    },
  });

  it('requires string apiVersion and kind', () => {
    expect(
      msgs({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } } }, s),
    ).toEqual([]);
    expect(msgs({ spec: { template: { kind: '' } } }, s)).toEqual([
      'spec.template.apiVersion: Required value: must not be empty',
      'spec.template.kind: Invalid value: "": must not be empty',
    ]);
    expect(
      msgs(
        { spec: { template: { apiVersion: 'a/b/c', kind: 'Bad_Kind', metadata: { labels: { a: 1 } } } } },
        s,
      ),
    ).toEqual([
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      expect.stringMatching(
        /^spec\.template\.kind: Invalid value: "Bad_Kind": may have mixed case, but should otherwise match: a DNS-1035 label/,
      ),
      'spec.template.metadata.labels.a: Invalid value: 1: must be a string',
    ]);
  });
});

describe('validateValue: paths', () => {
  it('prefixes fields with the given path', () => {
    expect(validateValue('x', { type: 'integer' }, 'spec.count').map(formatFieldError)).toEqual([
      'spec.count: Invalid value: "string": spec.count in body must be of type integer: "string"',
    ]);
  });
});

describe('listCelRules', () => {
  it('lists every x-kubernetes-validations rule with its data path', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: 'has(self.spec)' }],
      properties: {
        spec: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                'x-kubernetes-validations': [{ rule: 'self.a > 0', message: 'positive' }],
              },
            },
            m: {
              type: 'object',
              additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != ""' }] },
            },
          },
        },
      },
    };
    expect(listCelRules(s)).toEqual([
      { path: '', rule: 'has(self.spec)' },
      { path: 'spec.items[*]', rule: 'self.a > 0', message: 'positive' },
      { path: 'spec.m.*', rule: 'self != ""' },
    ]);
  });
});
