import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults.js';
import type { JSONSchemaProps } from './types.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'string', default: 'small' },
        note: { type: 'string', nullable: true, default: 'n' },
        plain: { type: 'string' },
        nested: {
          type: 'object',
          properties: { level: { type: 'integer', default: 3 } },
        },
        withDefault: {
          type: 'object',
          default: {},
          properties: { mode: { type: 'string', default: 'auto' } },
        },
        ports: {
          type: 'array',
          items: {
            type: 'object',
            properties: { protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' } },
          },
        },
        names: { type: 'array', items: { type: 'string', default: 'x' } },
        limits: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { unit: { type: 'string', default: 'Mi' } } },
        },
        tags: { type: 'object', default: { team: 'a' } },
      },
    },
  },
};

describe('applyDefaults', () => {
  it('fills missing fields but never creates a parent without its own default', () => {
    const o: any = { spec: {} };
    applyDefaults(o, schema);
    expect(o.spec).toEqual({
      size: 'small',
      note: 'n',
      withDefault: { mode: 'auto' }, // the parent's default, then its children's defaults
      tags: { team: 'a' },
    });
    expect(o.spec).not.toHaveProperty('nested');

    const none: any = {};
    applyDefaults(none, schema);
    expect(none).toEqual({});
  });

  it('recurses into existing objects, array items and map values', () => {
    const o: any = {
      spec: {
        nested: {},
        ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }],
        limits: { cpu: {}, mem: { unit: 'Gi' } },
      },
    };
    applyDefaults(o, schema);
    expect(o.spec.nested).toEqual({ level: 3 });
    expect(o.spec.ports).toEqual([
      { port: 80, protocol: 'TCP' },
      { port: 53, protocol: 'UDP' },
    ]);
    expect(o.spec.limits).toEqual({ cpu: { unit: 'Mi' }, mem: { unit: 'Gi' } });
  });

  it('treats null as unset unless nullable, and drops non-nullable nulls without default', () => {
    const o: any = { spec: { size: null, note: null, plain: null, nested: null, names: [null, 'y'] } };
    applyDefaults(o, schema);
    expect(o.spec.size).toBe('small');
    expect(o.spec.note).toBeNull(); // nullable keeps the explicit null
    expect(o.spec).not.toHaveProperty('plain');
    expect(o.spec).not.toHaveProperty('nested');
    expect(o.spec.names).toEqual(['x', 'y']); // a null array item takes the items default
  });

  it('copies defaults so objects never share them', () => {
    const a: any = { spec: {} };
    const b: any = { spec: {} };
    applyDefaults(a, schema);
    applyDefaults(b, schema);
    a.spec.tags.team = 'changed';
    expect(b.spec.tags.team).toBe('a');
    expect((schema.properties!.spec.properties!.tags.default as any).team).toBe('a');
  });

  it('leaves values alone when the schema does not match their shape', () => {
    const o: any = { spec: 'not-an-object' };
    applyDefaults(o, schema);
    expect(o).toEqual({ spec: 'not-an-object' });
  });
});
