import { describe, expect, it } from 'vitest';
import { findUnknownFields, prune } from './prune.js';
import type { JSONSchemaProps } from './types.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        containers: {
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, port: { 'x-kubernetes-int-or-string': true } },
          },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        volumes: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { path: { type: 'string' } } },
        },
        extra: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { strict: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        },
        wrapped: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } },
        },
      },
    },
    status: { type: 'object', properties: { ready: { type: 'boolean' } } },
  },
};

describe('prune', () => {
  it('removes undeclared fields and reports them in unknown-field notation', () => {
    const o: any = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { a: 'b' } },
      spec: {
        replicas: 2,
        foo: 1,
        containers: [
          { name: 'c', bar: true },
          { name: 'd', port: 'http' },
        ],
      },
      junk: { deep: 1 },
    };
    expect(prune(o, schema)).toEqual(['spec.foo', 'spec.containers[0].bar', 'junk']);
    expect(o).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', labels: { a: 'b' } },
      spec: { replicas: 2, containers: [{ name: 'c' }, { name: 'd', port: 'http' }] },
    });
  });

  it('reduces metadata to ObjectMeta fields, including ownerReferences entries', () => {
    const o: any = {
      metadata: {
        name: 'w',
        namespace: 'ns',
        bogus: 'x',
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u', extra: 1 }],
      },
    };
    expect(prune(o, schema)).toEqual(['metadata.bogus', 'metadata.ownerReferences[0].extra']);
    expect(o.metadata).toEqual({
      name: 'w',
      namespace: 'ns',
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }],
    });
  });

  it('prunes map values by the additionalProperties schema', () => {
    const o: any = { spec: { labels: { a: 'x' }, volumes: { data: { path: '/d', mode: 1 } } } };
    expect(prune(o, schema)).toEqual(['spec.volumes.data.mode']);
    expect(o.spec).toEqual({ labels: { a: 'x' }, volumes: { data: { path: '/d' } } });
  });

  it('keeps undeclared fields under preserve-unknown-fields but prunes declared ones', () => {
    const o: any = { spec: { extra: { anything: { goes: [1, { x: 2 }] }, strict: { a: 'ok', b: 'gone' } } } };
    expect(prune(o, schema)).toEqual(['spec.extra.strict.b']);
    expect(o.spec.extra).toEqual({ anything: { goes: [1, { x: 2 }] }, strict: { a: 'ok' } });
  });

  it('treats embedded resources as resource roots', () => {
    const o: any = {
      spec: {
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', junk: 1 },
          spec: { containers: [] },
        },
        wrapped: {
          apiVersion: 'v1',
          kind: 'Thing',
          metadata: { labels: { a: 'b' } },
          spec: { x: 'y', z: 1 },
          other: 2,
        },
      },
    };
    expect(prune(o, schema)).toEqual([
      'spec.template.metadata.junk',
      'spec.wrapped.spec.z',
      'spec.wrapped.other',
    ]);
    expect(o.spec.template).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [] },
    });
    expect(o.spec.wrapped).toEqual({
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { labels: { a: 'b' } },
      spec: { x: 'y' },
    });
  });

  it('prunes apiVersion/kind/metadata like any field below the root when not embedded', () => {
    const o: any = { spec: { kind: 'x', metadata: {} } };
    expect(prune(o, schema)).toEqual(['spec.kind', 'spec.metadata']);
    expect(o.spec).toEqual({});
    // and a non-string kind at the root is not exempt either
    const r: any = { kind: 5 };
    expect(prune(r, schema)).toEqual(['kind']);
  });

  it('empties objects under a schema without properties, keeps scalars', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: { o: { type: 'object' }, n: { type: 'integer' } },
    };
    const o: any = { o: { a: 1 }, n: { b: 2 } };
    expect(prune(o, s, { root: false })).toEqual(['o.a', 'n.b']);
    expect(o).toEqual({ o: {}, n: {} });
  });

  it('does nothing without a schema', () => {
    const o: any = { anything: 1 };
    expect(prune(o, undefined)).toEqual([]);
    expect(o).toEqual({ anything: 1 });
  });
});

describe('findUnknownFields', () => {
  it('reports the same paths as prune without mutating', () => {
    const o: any = { metadata: { name: 'a', x: 1 }, spec: { foo: 1, containers: [{ bar: 1 }] } };
    const before = structuredClone(o);
    const found = findUnknownFields(o, schema);
    expect(o).toEqual(before);
    expect(found).toEqual(prune(structuredClone(o), schema));
    expect(found).toEqual(['metadata.x', 'spec.foo', 'spec.containers[0].bar']);
  });
});
