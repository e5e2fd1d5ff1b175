import { describe, expect, it } from 'vitest';
import { formatFieldError } from '../errors.js';
import { checkStructural } from './structural.js';
import type { JSONSchemaProps } from './types.js';

const ROOT = 'spec.versions[0].schema.openAPIV3Schema';
const msgs = (s: unknown): string[] => checkStructural(s as JSONSchemaProps, ROOT).map(formatFieldError);

const obj = (
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  type: 'object',
  properties,
  ...extra,
});

describe('checkStructural', () => {
  it('accepts a typical controller-gen schema', () => {
    const schema = obj({
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: obj(
        {
          replicas: { type: 'integer', format: 'int32', minimum: 0, default: 1 },
          port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
          selector: obj({ matchLabels: { type: 'object', additionalProperties: { type: 'string' } } }),
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: obj({ name: { type: 'string' }, port: { type: 'integer' } }, { required: ['name'] }),
          },
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          template: {
            type: 'object',
            'x-kubernetes-preserve-unknown-fields': true,
            'x-kubernetes-embedded-resource': true,
          },
          anything: { 'x-kubernetes-preserve-unknown-fields': true },
          mode: { type: 'string', enum: ['a', 'b'], pattern: '^[a-z]+$' },
          choice: obj(
            { a: { type: 'string' }, b: { type: 'string' } },
            { oneOf: [{ required: ['a'] }, { required: ['b'] }] },
          ),
        },
        { 'x-kubernetes-validations': [{ rule: 'self.replicas >= 0' }] },
      ),
      status: obj({ ready: { type: 'boolean' } }),
    });
    expect(msgs(schema)).toEqual([]);
  });

  it('requires types everywhere, with the level-specific upstream message', () => {
    const schema = obj({
      spec: { properties: { a: {} } },
      list: { type: 'array', items: {} },
      map: { type: 'object', additionalProperties: {} },
    });
    expect(msgs(schema)).toEqual([
      `${ROOT}.properties[list].items.type: Required value: must not be empty for specified array items`,
      `${ROOT}.properties[map].additionalProperties.type: Required value: must not be empty for specified object fields`,
      `${ROOT}.properties[spec].properties[a].type: Required value: must not be empty for specified object fields`,
      `${ROOT}.properties[spec].type: Required value: must not be empty for specified object fields`,
    ]);
  });

  it('checks the root: object type, not nullable, no additionalProperties', () => {
    expect(msgs({ properties: {} })).toContain(`${ROOT}.type: Required value: must not be empty at the root`);
    expect(msgs({ type: 'string' })).toContain(
      `${ROOT}.type: Invalid value: "string": must be object at the root`,
    );
    expect(msgs({ type: 'object', nullable: true })).toContain(
      `${ROOT}.nullable: Forbidden: nullable cannot be true at the root`,
    );
    expect(msgs({ type: 'object', additionalProperties: { type: 'string' } })).toContain(
      `${ROOT}.additionalProperties: Forbidden: must not be used at the root`,
    );
  });

  it('requires items for arrays and forbids tuple items', () => {
    expect(msgs(obj({ l: { type: 'array' } }))).toEqual([
      `${ROOT}.properties[l].items: Required value: must be specified`,
    ]);
    expect(msgs(obj({ l: { type: 'array', items: [{ type: 'string' }] } }))).toContain(
      `${ROOT}.properties[l].items: Forbidden: items must be a schema object and not an array`,
    );
  });

  it('keeps properties and additionalProperties apart', () => {
    expect(
      msgs(obj({ m: obj({ a: { type: 'string' } }, { additionalProperties: { type: 'string' } }) })),
    ).toEqual([
      `${ROOT}.properties[m].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
  });

  it('allows only value validations inside allOf/anyOf/oneOf/not, on specified fields', () => {
    const schema = obj({
      spec: obj(
        { a: { type: 'string' } },
        {
          anyOf: [
            { type: 'object', required: ['a'] },
            { description: 'x', properties: { b: { maxLength: 3 } } },
          ],
          not: { 'x-kubernetes-preserve-unknown-fields': true, default: 'x' },
        },
      ),
    });
    expect(msgs(schema)).toEqual([
      `${ROOT}.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${ROOT}.properties[spec].anyOf[1].description: Forbidden: must be empty to be structural`,
      `${ROOT}.properties[spec].not.default: Forbidden: must be undefined to be structural`,
      `${ROOT}.properties[spec].not.x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`,
      `${ROOT}.properties[spec].properties[b]: Required value: because it is defined in ${ROOT}.properties[spec].anyOf[1].properties[b]`,
    ]);
  });

  it('restricts metadata to name and generateName, and only at the root', () => {
    expect(msgs(obj({ metadata: obj({ name: { type: 'string', maxLength: 10 } }) }))).toEqual([]);
    expect(msgs(obj({ metadata: obj({ labels: { type: 'object' } }) }))).toContain(
      `${ROOT}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
    );
    expect(msgs(obj({ metadata: { type: 'string' } }))).toContain(
      `${ROOT}.properties[metadata].type: Invalid value: "string": must be object`,
    );
    expect(msgs(obj({ kind: { type: 'integer' } }))).toContain(
      `${ROOT}.properties[kind].type: Invalid value: "integer": must be string`,
    );
    expect(
      msgs(obj({ s: obj({ a: { type: 'string' } }, { allOf: [{ properties: { metadata: {} } }] }) })),
    ).toContain(
      `${ROOT}.properties[s].allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
    );
  });

  it('checks embedded resources and int-or-string exclusions', () => {
    expect(
      msgs(
        obj({ e: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } }),
      ),
    ).toEqual([
      `${ROOT}.properties[e].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
    ]);
    expect(msgs(obj({ e: { type: 'object', 'x-kubernetes-embedded-resource': true } }))).toEqual([
      `${ROOT}.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
    ]);
    expect(
      msgs(obj({ p: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true } })),
    ).toEqual([
      `${ROOT}.properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
    ]);
    // The int-or-string anyOf is only exempt in its exact controller-gen shape.
    expect(
      msgs(
        obj({ p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'number' }] } }),
      ),
    ).toEqual([
      `${ROOT}.properties[p].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${ROOT}.properties[p].anyOf[1].type: Forbidden: must be empty to be structural`,
    ]);
  });

  it('enforces list and map type rules', () => {
    const errs = msgs(
      obj({
        a: { type: 'string', 'x-kubernetes-list-type': 'set' },
        b: {
          type: 'array',
          items: obj({ k: { type: 'string', nullable: true } }),
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['k'],
        },
        c: { type: 'array', items: obj({ x: { type: 'string' } }), 'x-kubernetes-list-type': 'set' },
        d: { type: 'string', 'x-kubernetes-map-type': 'atomic' },
        e: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'map' },
        f: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' },
      }),
    );
    expect(errs).toEqual([
      `${ROOT}.properties[a].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`,
      `${ROOT}.properties[b].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
      `${ROOT}.properties[b].items.properties[k].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, so it cannot be nullable`,
      `${ROOT}.properties[c].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`,
      `${ROOT}.properties[d].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`,
      `${ROOT}.properties[e].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${ROOT}.properties[e].items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`,
      `${ROOT}.properties[f].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
    ]);
  });

  it('forbids non-structural keywords', () => {
    const errs = msgs(
      obj({
        a: { type: 'string', $ref: '#/definitions/x' },
        b: { type: 'object', patternProperties: { '^x': { type: 'string' } } },
        c: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        d: { type: 'null' },
        e: { type: 'string', id: 'x' },
        f: { type: 'object', dependencies: { a: ['b'] } },
        g: { type: 'array', items: { type: 'string' }, additionalItems: false },
        h: { type: 'object', definitions: { x: { type: 'string' } } },
        i: { type: 'strin' },
      }),
    );
    expect(errs).toEqual(
      expect.arrayContaining([
        `${ROOT}.properties[a].$ref: Forbidden: $ref is not supported`,
        `${ROOT}.properties[b].patternProperties: Forbidden: patternProperties is not supported`,
        `${ROOT}.properties[c].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
        `${ROOT}.properties[d].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
        `${ROOT}.properties[e].id: Forbidden: id is not supported`,
        `${ROOT}.properties[f].dependencies: Forbidden: dependencies is not supported`,
        `${ROOT}.properties[g].additionalItems: Forbidden: additionalItems is not supported`,
        `${ROOT}.properties[h].definitions: Forbidden: definitions is not supported`,
        `${ROOT}.properties[i].type: Unsupported value: "strin": supported values: "array", "boolean", "integer", "number", "object", "string"`,
      ]),
    );
  });

  it('requires defaults to validate and to be pruned', () => {
    const errs = msgs(
      obj({
        spec: obj({
          replicas: { type: 'integer', default: 'three' },
          size: { type: 'string', enum: ['s', 'm'], default: 'xl' },
          opts: obj({ a: { type: 'string' } }, { default: { a: 'x', b: 'y' } }),
        }),
      }),
    );
    expect(errs).toEqual([
      `${ROOT}.properties[spec].properties[replicas].default: Invalid value: "string": in body must be of type integer: "string"`,
      `${ROOT}.properties[spec].properties[size].default: Unsupported value: "xl": supported values: "s", "m"`,
      `${ROOT}.properties[spec].properties[opts].default: Invalid value: {"a":"x","b":"y"}: must not have unknown fields`,
    ]);
  });

  it('forbids defaults in the root apiVersion, kind and metadata', () => {
    expect(
      msgs(
        obj({
          metadata: obj({ name: { type: 'string', default: 'x' } }),
          kind: { type: 'string', default: 'K' },
        }),
      ),
    ).toEqual([
      `${ROOT}.properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata`,
      `${ROOT}.properties[kind].default: Forbidden: must not be set in top-level kind`,
    ]);
  });

  it('reports invalid patterns and malformed CEL rules', () => {
    const errs = msgs(
      obj({
        a: { type: 'string', pattern: '([a-z' },
        b: { type: 'string', 'x-kubernetes-validations': [{ rule: ' ' }] },
      }),
    );
    expect(errs[0]).toMatch(
      /^spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[a\]\.pattern: Invalid value: "\(\[a-z": must be a valid regular expression, but isn't: /,
    );
    expect(errs).toContain(
      `${ROOT}.properties[b].x-kubernetes-validations[0].rule: Required value: rule is not specified`,
    );
  });

  it('accepts RE2-only pattern spellings', () => {
    expect(msgs(obj({ a: { type: 'string', pattern: '(?i)^[[:alpha:]]+\\z' } }))).toEqual([]);
  });
});
