import { describe, expect, it } from 'vitest';
import { builtinResources } from '../builtins/index.js';
import type { JSONSchemaProps } from '../schema/types.js';
import type { KObject } from '../types.js';
import { trackUpdate } from './update.js';
import { ApplyConflictError, goJson, serverSideApply, type ServerSideApplyParams } from './index.js';

const deploymentSchema = builtinResources().find(
  (r) => r.group === 'apps' && r.kind === 'Deployment',
)!.schema!;

const T1 = '2026-01-01T00:00:01Z';
const T2 = '2026-01-01T00:00:02Z';
const T3 = '2026-01-01T00:00:03Z';

type Opts = Partial<Omit<ServerSideApplyParams, 'live' | 'applied' | 'manager'>>;

function apply(live: KObject | undefined, applied: KObject, manager: string, opts: Opts = {}): KObject {
  return serverSideApply({
    live,
    applied,
    manager,
    force: false,
    schema: deploymentSchema,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    now: T1,
    objectRef: 'default/web',
    ...opts,
  });
}

/** A Deployment apply body. */
function deploy(
  spec: { replicas?: number; containers?: unknown[]; labels?: Record<string, string> } = {},
): KObject {
  const body: KObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(spec.labels ? { labels: spec.labels } : {}) },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: spec.containers ?? [
            { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
          ],
        },
      },
    },
  };
  if (spec.replicas !== undefined) body.spec.replicas = spec.replicas;
  return body;
}

/** What the write pipeline does after apply on create: server-owned metadata and defaults. */
function stored(obj: KObject): KObject {
  const o = structuredClone(obj);
  o.metadata!.uid = 'u-1';
  o.metadata!.resourceVersion = '1';
  for (const c of o.spec.template.spec.containers) for (const port of c.ports ?? []) port.protocol ??= 'TCP';
  o.spec.strategy ??= { type: 'RollingUpdate' };
  return o;
}

const entries = (o: KObject) => o.metadata!.managedFields as Array<Record<string, any>>;
const entryOf = (o: KObject, manager: string) => entries(o).find((e) => e.manager === manager);

function conflictOf(fn: () => unknown): ApplyConflictError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApplyConflictError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}

describe('serverSideApply: create', () => {
  it('creates the object and records exactly the applied fields, keys filled from defaults', () => {
    const out = apply(undefined, deploy({ replicas: 2, labels: { app: 'web' } }), 'kubectl');
    expect(out.spec.replicas).toBe(2);
    expect(out.metadata!.name).toBe('web');
    expect(entries(out)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('does not change its inputs', () => {
    const body = deploy();
    const copy = structuredClone(body);
    apply(undefined, body, 'kubectl');
    expect(body).toEqual(copy);
  });
});

describe('serverSideApply: re-apply', () => {
  it('changes nothing, not even the time, when the same body is applied again', () => {
    const live = stored(apply(undefined, deploy({ replicas: 2 }), 'kubectl'));
    const again = apply(live, deploy({ replicas: 2 }), 'kubectl', { now: T2 });
    expect(again).toEqual(live);
  });

  it('matches {containerPort: 80} with the stored {containerPort: 80, protocol: TCP}', () => {
    const live = stored(apply(undefined, deploy(), 'kubectl'));
    const again = apply(live, deploy(), 'kubectl', { now: T2 });
    expect(again.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('moves the time when the object changes', () => {
    const live = stored(apply(undefined, deploy({ replicas: 2 }), 'kubectl'));
    const out = apply(live, deploy({ replicas: 3 }), 'kubectl', { now: T2 });
    expect(out.spec.replicas).toBe(3);
    expect(entryOf(out, 'kubectl')!.time).toBe(T2);
  });

  it('removes fields the applier dropped: a container port, a label, a whole container', () => {
    const first = deploy({
      labels: { app: 'web', tier: 'frontend' },
      containers: [
        { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }, { containerPort: 443 }] },
        { name: 'sidecar', image: 'busybox' },
      ],
    });
    const live = stored(apply(undefined, first, 'helm'));
    const second = deploy({
      labels: { app: 'web' },
      containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
    });
    const out = apply(live, second, 'helm', { now: T2 });
    expect(out.metadata!.labels).toEqual({ app: 'web' });
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] },
    ]);
    // Server-set fields nobody applied are left alone.
    expect(out.spec.strategy).toEqual({ type: 'RollingUpdate' });
    expect(out.metadata!.uid).toBe('u-1');
    const fields = JSON.stringify(entryOf(out, 'helm')!.fieldsV1);
    expect(fields).not.toContain('443');
    expect(fields).not.toContain('tier');
    expect(fields).not.toContain('sidecar');
  });

  it('keeps a dropped field another manager also owns', () => {
    const live = stored(apply(undefined, deploy({ labels: { app: 'web', tier: 'frontend' } }), 'helm'));
    const shared = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'frontend' } } },
      'other',
      { now: T2 },
    );
    const out = apply(shared, deploy({ labels: { app: 'web' } }), 'helm', { now: T3 });
    expect(out.metadata!.labels).toEqual({ app: 'web', tier: 'frontend' });
    expect(JSON.stringify(entryOf(out, 'helm')!.fieldsV1)).not.toContain('tier');
    expect(entryOf(out, 'other')!.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
  });
});

describe('serverSideApply: several managers', () => {
  it('shares a field two appliers set to the same value', () => {
    const live = stored(apply(undefined, deploy({ replicas: 2 }), 'a'));
    const out = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } },
      'b',
      { now: T2 },
    );
    expect(entryOf(out, 'a')!.fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(entryOf(out, 'b')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
    // Nothing changed in the object, so b's brand-new entry carries no time (upstream does the same).
    expect(entryOf(out, 'b')!.time).toBeUndefined();
  });

  it("merges containers by name from two appliers and keeps each one's order", () => {
    const live = stored(apply(undefined, deploy(), 'a'));
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } },
    };
    const both = apply(live, sidecar, 'b', { now: T2 });
    expect(both.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['nginx', 'sidecar']);
    // a re-applies its own container only: b's stays.
    const again = apply(both, deploy({ containers: [{ name: 'nginx', image: 'nginx:1.26' }] }), 'a', {
      now: T3,
    });
    expect(again.spec.template.spec.containers.map((c: any) => [c.name, c.image])).toEqual([
      ['nginx', 'nginx:1.26'],
      ['sidecar', 'busybox'],
    ]);
    // b withdraws its container: gone.
    const withdrawn = apply(again, { ...sidecar, spec: { template: { spec: { containers: [] } } } }, 'b', {
      now: T3,
    });
    expect(withdrawn.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['nginx']);
    expect(entryOf(withdrawn, 'b')).toBeUndefined();
  });

  it('puts new applied elements after the live-only elements that preceded them', () => {
    const live = stored(apply(undefined, deploy({ containers: [{ name: 'a', image: 'x' }] }), 'm1'));
    const withX = apply(
      live,
      {
        ...deploy({ containers: [{ name: 'x', image: 'x' }] }),
        spec: { template: { spec: { containers: [{ name: 'x', image: 'x' }] } } },
      },
      'm2',
    );
    const out = apply(
      withX,
      deploy({
        containers: [
          { name: 'a', image: 'x' },
          { name: 'b', image: 'x' },
        ],
      }),
      'm1',
      { now: T2 },
    );
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['a', 'x', 'b']);
  });
});

describe('serverSideApply: conflicts', () => {
  it('rejects a different value for a field another applier owns', () => {
    const live = stored(apply(undefined, deploy({ replicas: 2 }), 'a'));
    const err = conflictOf(() => apply(live, deploy({ replicas: 3 }), 'b', { now: T2 }));
    expect(err.conflicts).toEqual([
      { manager: 'a', operation: 'Apply', apiVersion: 'apps/v1', field: '.spec.replicas' },
    ]);
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "a": .spec.replicas',
      reason: 'Conflict',
      details: {
        causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' }],
      },
      code: 409,
    });
  });

  it('names Update managers with their apiVersion, and lists several conflicts by manager', () => {
    const created = stored(apply(undefined, deploy({ replicas: 2, labels: { app: 'web' } }), 'a'));
    // kubectl scale and kubectl edit write through PUT/PATCH: Update entries.
    const scaled = { ...structuredClone(created), spec: { ...created.spec, replicas: 5 } };
    scaled.metadata!.managedFields = trackUpdate({
      live: created,
      obj: scaled,
      schema: deploymentSchema,
      manager: 'kubectl-scale',
      apiVersion: 'apps/v1',
      time: T2,
    });
    expect(JSON.stringify(entryOf(scaled, 'a')!.fieldsV1)).not.toContain('replicas');

    const single = conflictOf(() =>
      apply(scaled, deploy({ replicas: 2, labels: { app: 'web' } }), 'a', { now: T3 }),
    );
    expect(single.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );

    const edited = structuredClone(scaled);
    edited.metadata!.labels = { app: 'web', x: 'y' };
    edited.spec.template.spec.containers[0].image = 'nginx:edit';
    edited.metadata!.managedFields = trackUpdate({
      live: scaled,
      obj: edited,
      schema: deploymentSchema,
      manager: 'kubectl-edit',
      apiVersion: 'apps/v1',
      time: T3,
    });

    // kubectl-edit took the image from a; a still owns the (atomic) selector.
    expect(JSON.stringify(entryOf(edited, 'a')!.fieldsV1)).not.toContain('image');
    const body = deploy({
      replicas: 9,
      labels: { app: 'web', x: 'z' },
      containers: [{ name: 'nginx', image: 'nginx:9' }],
    });
    body.spec.selector = { matchLabels: { app: 'other' } };
    const err = conflictOf(() => apply(edited, body, 'b', { now: T3 }));
    expect(err.message).toBe(
      [
        'Apply failed with 4 conflicts: conflicts with "a":',
        '- .spec.selector',
        'conflicts with "kubectl-edit" using apps/v1:',
        '- .metadata.labels.x',
        '- .spec.template.spec.containers[name="nginx"].image',
        'conflicts with "kubectl-scale" using apps/v1:',
        '- .spec.replicas',
      ].join('\n'),
    );
    expect(err.status.details).toEqual({
      causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.selector' },
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-edit" using apps/v1',
          field: '.metadata.labels.x',
        },
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-edit" using apps/v1',
          field: '.spec.template.spec.containers[name="nginx"].image',
        },
        {
          reason: 'FieldManagerConflict',
          message: 'conflict with "kubectl-scale" using apps/v1',
          field: '.spec.replicas',
        },
      ],
    });
  });

  it('force takes the fields away from their owners', () => {
    const live = stored(apply(undefined, deploy({ replicas: 2 }), 'a'));
    const out = apply(
      live,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3 } },
      'b',
      { now: T2, force: true },
    );
    expect(out.spec.replicas).toBe(3);
    expect(JSON.stringify(entryOf(out, 'a')!.fieldsV1)).not.toContain('replicas');
    expect(entryOf(out, 'b')).toMatchObject({ time: T2, fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    // a now applying its old value conflicts with b.
    expect(conflictOf(() => apply(out, deploy({ replicas: 2 }), 'a', { now: T3 })).message).toBe(
      'Apply failed with 1 conflict: conflict with "b": .spec.replicas',
    );
  });

  it('names subresource managers', () => {
    const schema = statusSchema();
    const live = serverSideApply({
      ...crParams(schema),
      applied: cr({ spec: { size: 1 } }),
      live: undefined,
      manager: 'a',
    });
    const status = serverSideApply({
      ...crParams(schema),
      applied: cr({ status: { phase: 'Up' } }),
      live,
      manager: 'ctl',
      subresource: 'status',
    });
    const err = conflictOf(() =>
      serverSideApply({
        ...crParams(schema),
        applied: cr({ status: { phase: 'Down' } }),
        live: status,
        manager: 'other',
        subresource: 'status',
      }),
    );
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "ctl" with subresource "status": .status.phase',
    );
  });
});

describe('serverSideApply: list and map types', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          args: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
          selector: {
            type: 'object',
            additionalProperties: { type: 'string' },
            'x-kubernetes-map-type': 'atomic',
          },
          tags: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  };
  const params = (
    live: KObject | undefined,
    spec: Record<string, unknown>,
    manager: string,
    extra: Opts = {},
  ): ServerSideApplyParams => ({
    live,
    applied: { apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't' }, spec },
    manager,
    force: false,
    schema,
    apiVersion: 'x.io/v1',
    kind: 'Thing',
    now: T1,
    objectRef: '/t',
    ...extra,
  });

  it('replaces atomic lists and maps whole, merges granular maps', () => {
    const live = serverSideApply(
      params(undefined, { args: ['a', 'b'], selector: { x: '1', y: '2' }, tags: { one: '1' } }, 'm'),
    );
    const out = serverSideApply(
      params(live, { args: ['c'], selector: { z: '3' }, tags: { two: '2' } }, 'n', { force: true }),
    );
    expect(out.spec).toEqual({ args: ['c'], selector: { z: '3' }, tags: { one: '1', two: '2' } });
    expect(entryOf(out, 'n')!.fieldsV1).toEqual({
      'f:spec': { 'f:args': {}, 'f:selector': {}, 'f:tags': { 'f:two': {} } },
    });
    expect(entryOf(out, 'm')!.fieldsV1).toEqual({ 'f:spec': { 'f:tags': { 'f:one': {} } } });
  });

  it('reports a changed atomic list as one conflict', () => {
    const live = serverSideApply(params(undefined, { args: ['a', 'b'] }, 'm'));
    expect(
      conflictOf(() => serverSideApply(params(live, { args: ['a'] }, 'n'))).conflicts.map((c) => c.field),
    ).toEqual(['.spec.args']);
  });

  it('treats finalizers as a set', () => {
    const body = (manager: string, finalizers: string[]): ServerSideApplyParams => ({
      ...params(undefined, {}, manager),
      applied: { apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't', finalizers } },
    });
    const one = serverSideApply(body('a', ['x.io/a']));
    const two = serverSideApply({ ...body('b', ['x.io/b']), live: one });
    expect(two.metadata!.finalizers).toEqual(['x.io/a', 'x.io/b']);
    expect(entryOf(two, 'b')!.fieldsV1).toEqual({ 'f:metadata': { 'f:finalizers': { 'v:"x.io/b"': {} } } });
    const dropped = serverSideApply({ ...body('a', []), live: two });
    expect(dropped.metadata!.finalizers).toEqual(['x.io/b']);
  });

  it('accepts anything under x-kubernetes-preserve-unknown-fields: maps granular, lists atomic', () => {
    const loose: JSONSchemaProps = {
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    };
    const live = serverSideApply({ ...params(undefined, { a: { b: 1 }, l: [1, 2] }, 'm'), schema: loose });
    expect(entryOf(live, 'm')!.fieldsV1).toEqual({ 'f:spec': { 'f:a': { '.': {}, 'f:b': {} }, 'f:l': {} } });
    const out = serverSideApply({
      ...params(live, { a: { c: 2 }, l: [3] }, 'n', { force: true }),
      schema: loose,
    });
    expect(out.spec).toEqual({ a: { b: 1, c: 2 }, l: [3] });
  });
});

describe('serverSideApply: kubectl client-side → server-side upgrade', () => {
  const lastApplied = (body: KObject) => JSON.stringify(body) + '\n';

  /** An object as `kubectl apply` (client-side) leaves it: annotation plus an Update entry. */
  function clientSideApplied(): KObject {
    const body = deploy({ replicas: 3, containers: [{ name: 'nginx', image: 'nginx:1.26' }] });
    const obj = structuredClone(body);
    obj.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied(body) };
    obj.metadata!.uid = 'u-1';
    obj.metadata!.managedFields = trackUpdate({
      live: undefined,
      obj,
      schema: deploymentSchema,
      manager: 'kubectl-client-side-apply',
      apiVersion: 'apps/v1',
      time: T1,
    });
    return obj;
  }

  it('takes fields still as last applied without force and rewrites the annotation', () => {
    const live = clientSideApplied();
    const body = deploy({ replicas: 2, containers: [{ name: 'nginx', image: 'nginx:1.25' }] });
    const out = apply(live, body, 'kubectl', { now: T2 });
    expect(out.spec.replicas).toBe(2);
    expect(out.spec.template.spec.containers[0].image).toBe('nginx:1.25');
    const csa = JSON.stringify(entryOf(out, 'kubectl-client-side-apply')!.fieldsV1);
    expect(csa).not.toContain('replicas');
    expect(csa).not.toContain('image');
    const ann = out.metadata!.annotations!['kubectl.kubernetes.io/last-applied-configuration'];
    expect(ann.endsWith('\n')).toBe(true);
    expect(JSON.parse(ann)).toEqual(body);
    // Go's encoder: keys sorted.
    expect(
      ann.startsWith(
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2,',
      ),
    ).toBe(true);
  });

  it('still conflicts on fields changed since the last client-side apply', () => {
    const live = clientSideApplied();
    const scaled = structuredClone(live);
    scaled.spec.replicas = 5;
    scaled.metadata!.managedFields = trackUpdate({
      live,
      obj: scaled,
      schema: deploymentSchema,
      manager: 'kubectl-scale',
      apiVersion: 'apps/v1',
      time: T2,
    });
    const body = deploy({ replicas: 2, containers: [{ name: 'nginx', image: 'nginx:1.25' }] });
    const err = conflictOf(() => apply(scaled, body, 'kubectl', { now: T3 }));
    expect(err.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
    );
  });

  it('writes the annotation as Go does: sorted keys, HTML characters escaped', () => {
    expect(goJson({ b: '<a&b>\n', a: [1, true, null] })).toBe(
      '{"a":[1,true,null],"b":"\\u003ca\\u0026b\\u003e\\n"}',
    );
  });

  it('is only for the manager named kubectl', () => {
    const live = clientSideApplied();
    const err = conflictOf(() =>
      apply(live, deploy({ replicas: 2, containers: [{ name: 'nginx', image: 'nginx:1.26' }] }), 'helm', {
        now: T2,
      }),
    );
    expect(err.conflicts.map((c) => c.manager)).toEqual(['kubectl-client-side-apply']);
  });
});

// A custom resource with a status subresource.
function statusSchema(): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { size: { type: 'integer' } } },
      status: { type: 'object', properties: { phase: { type: 'string' } } },
    },
  };
}
function cr(fields: Record<string, unknown>): KObject {
  return { apiVersion: 'x.io/v1', kind: 'Db', metadata: { name: 'd', namespace: 'ns' }, ...fields };
}
function crParams(schema: JSONSchemaProps) {
  return {
    force: false,
    schema,
    apiVersion: 'x.io/v1',
    kind: 'Db',
    now: T1,
    objectRef: 'ns/d',
    statusSubresource: true,
  } as const;
}

describe('serverSideApply: status subresource', () => {
  it('on /status takes only .status and records it under subresource "status"', () => {
    const schema = statusSchema();
    const live = serverSideApply({
      ...crParams(schema),
      applied: cr({ spec: { size: 1 }, status: { phase: 'Ignored' } }),
      live: undefined,
      manager: 'a',
    });
    expect(live.status).toBeUndefined();
    const out = serverSideApply({
      ...crParams(schema),
      applied: cr({ spec: { size: 9 }, status: { phase: 'Up' } }),
      live,
      manager: 'ctl',
      subresource: 'status',
      now: T2,
    });
    expect(out.spec).toEqual({ size: 1 });
    expect(out.status).toEqual({ phase: 'Up' });
    expect(entryOf(out, 'ctl')).toEqual({
      manager: 'ctl',
      operation: 'Apply',
      apiVersion: 'x.io/v1',
      time: T2,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
      subresource: 'status',
    });
    expect(entryOf(out, 'a')!.fieldsV1).toEqual({ 'f:spec': { 'f:size': {} } });
  });
});
