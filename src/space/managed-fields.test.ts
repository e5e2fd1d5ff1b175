import { describe, expect, it } from 'vitest';
import { builtinResources } from './builtins/index.js';
import {
  changedFields,
  fieldSetOf,
  fromFieldsV1,
  recordUpdate,
  toFieldsV1,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import { ApplyConflictError, serverSideApply } from './ssa/index.js';
import type { KObject } from './types.js';

const defs = builtinResources();
const schemaOf = (group: string, kind: string) =>
  defs.find((r) => r.group === group && r.kind === kind)!.schema!;
const deploymentSchema = schemaOf('apps', 'Deployment');
const configMapSchema = schemaOf('', 'ConfigMap');

/** What objects.ts does for a non-apply write. */
function write(
  old: KObject | undefined,
  obj: KObject,
  manager: string,
  time: string,
  extra: { subresource?: string; apiVersion?: string; statusSubresource?: boolean } = {},
  schema = deploymentSchema,
): KObject {
  const out = structuredClone(obj);
  const entries = (old?.metadata?.managedFields ?? []) as ManagedFieldsEntry[];
  const next = recordUpdate(entries, changedFields(old, out, schema), fieldSetOf(out, schema), {
    manager,
    apiVersion: extra.apiVersion ?? 'apps/v1',
    time,
    subresource: extra.subresource,
    statusSubresource: extra.statusSubresource,
  });
  if (next.length) out.metadata!.managedFields = next;
  else delete out.metadata!.managedFields;
  return out;
}

const entry = (o: KObject, manager: string) =>
  (o.metadata!.managedFields as ManagedFieldsEntry[]).find((e) => e.manager === manager);

function deployment(replicas: number): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
      },
    },
  };
}

describe('recordUpdate', () => {
  it('records a create: maps and list elements are owned as such, identity metadata is not tracked', () => {
    const cm: KObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'd', uid: 'u', resourceVersion: '3' },
      data: { a: '1' },
    };
    const out = write(undefined, cm, 'kubectl-create', 'T1', { apiVersion: 'v1' }, configMapSchema);
    expect(out.metadata!.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: 'T1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
      },
    ]);
    const dep = write(undefined, deployment(1), 'kubectl-create', 'T1');
    const f = entry(dep, 'kubectl-create')!.fieldsV1 as any;
    expect(f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']).toEqual({
      '.': {},
      'f:image': {},
      'f:name': {},
    });
    expect(f['f:metadata']['f:labels']).toEqual({ '.': {}, 'f:app': {} });
    expect(Object.keys(f['f:spec'])).not.toContain('.');
  });

  it('keeps entries and times as they are when a write takes nothing', () => {
    const created = write(undefined, deployment(1), 'a', 'T1');
    const again = write(created, structuredClone(created), 'b', 'T2');
    expect(again.metadata!.managedFields).toEqual(created.metadata!.managedFields);
  });

  it('moves changed fields to the writer, and a removed field leaves every set', () => {
    const created = write(undefined, deployment(1), 'a', 'T1');
    const changed = structuredClone(created);
    changed.spec.replicas = 2;
    delete changed.metadata!.labels;
    const out = write(created, changed, 'b', 'T2');
    expect(entry(out, 'b')).toMatchObject({ time: 'T2', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    const a = JSON.stringify(entry(out, 'a')!.fieldsV1);
    expect(a).not.toContain('replicas');
    expect(entry(out, 'a')!.fieldsV1).not.toHaveProperty('f:metadata');
    expect(entry(out, 'a')!.time).toBe('T1');
  });

  it('keeps one entry per manager, apiVersion and subresource', () => {
    let obj = write(undefined, deployment(1), 'm', 'T1');
    const v2 = structuredClone(obj);
    v2.spec.replicas = 2;
    obj = write(obj, v2, 'm', 'T2', { apiVersion: 'apps/v1beta2' });
    const v3 = structuredClone(obj);
    v3.spec.replicas = 3;
    obj = write(obj, v3, 'm', 'T3', { subresource: 'scale' });
    const list = obj.metadata!.managedFields as ManagedFieldsEntry[];
    expect(list.map((e) => [e.apiVersion, e.subresource, e.time])).toEqual([
      ['apps/v1', undefined, 'T1'],
      ['apps/v1', 'scale', 'T3'],
    ]);
  });

  it('hands .spec.replicas from the applier to kubectl scale, so a later apply conflicts', () => {
    const base = {
      force: false,
      schema: deploymentSchema,
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      objectRef: 'default/web',
    };
    const applied = serverSideApply({
      ...base,
      live: undefined,
      applied: deployment(2),
      manager: 'helm',
      now: '2026-01-01T00:00:01Z',
    });
    const scaled = structuredClone(applied);
    scaled.spec.replicas = 5;
    const afterScale = write(applied, scaled, 'kubectl-scale', '2026-01-01T00:00:02Z', {
      subresource: 'scale',
    });
    expect(JSON.stringify(entry(afterScale, 'helm')!.fieldsV1)).not.toContain('replicas');
    expect(entry(afterScale, 'kubectl-scale')).toMatchObject({
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    // Apply entries come first.
    expect((afterScale.metadata!.managedFields as ManagedFieldsEntry[]).map((e) => e.operation)).toEqual([
      'Apply',
      'Update',
    ]);
    let err: unknown;
    try {
      serverSideApply({
        ...base,
        live: afterScale,
        applied: deployment(2),
        manager: 'helm',
        now: '2026-01-01T00:00:03Z',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApplyConflictError);
    expect((err as ApplyConflictError).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using apps/v1: .spec.replicas',
    );
    // Re-applying the scaled value is shared ownership, not a conflict.
    const shared = serverSideApply({
      ...base,
      live: afterScale,
      applied: deployment(5),
      manager: 'helm',
      now: '2026-01-01T00:00:04Z',
    });
    expect(entry(shared, 'helm')!.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    expect(entry(shared, 'kubectl-scale')).toBeDefined();
  });

  it('does not let main-resource writes own .status when the kind has a status subresource', () => {
    const withStatus = { ...deployment(1), status: { replicas: 1 } };
    const out = write(undefined, withStatus, 'w', 'T1', { statusSubresource: true });
    expect(JSON.stringify(entry(out, 'w')!.fieldsV1)).not.toContain('status');
    const st = structuredClone(out);
    st.status = { replicas: 2 };
    const viaStatus = write(out, st, 'ctl', 'T2', { statusSubresource: true, subresource: 'status' });
    expect(entry(viaStatus, 'ctl')!.fieldsV1).toEqual({ 'f:status': { 'f:replicas': {} } });
  });

  it('folds the oldest of more than ten Update managers into ancient-changes', () => {
    let obj = write(undefined, deployment(1), 'm00', '2026-01-01T00:00:00Z');
    for (let i = 1; i <= 11; i++) {
      const next = structuredClone(obj);
      next.metadata!.labels = { ...next.metadata!.labels, [`l${i}`]: 'x' };
      obj = write(
        obj,
        next,
        `m${String(i).padStart(2, '0')}`,
        `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`,
      );
    }
    const list = obj.metadata!.managedFields as ManagedFieldsEntry[];
    expect(list).toHaveLength(10);
    const ancient = list.find((e) => e.manager === 'ancient-changes')!;
    expect(ancient.time).toBe('2026-01-01T00:00:02Z');
    expect(fromFieldsV1(ancient.fieldsV1).size).toBe(
      fromFieldsV1(toFieldsV1(fromFieldsV1(ancient.fieldsV1))).size,
    );
    expect(JSON.stringify(ancient.fieldsV1)).toContain('f:l1');
    expect(JSON.stringify(ancient.fieldsV1)).toContain('f:l2');
    expect(list.map((e) => e.manager)).not.toContain('m00');
  });

  it('reads a plain changed set as "changed if still there, removed otherwise"', () => {
    const created = write(undefined, deployment(1), 'a', 'T1');
    const live = fieldSetOf(created, deploymentSchema);
    const replicas = [...live].find((p) => p.endsWith('f:replicas'))!;
    const next = recordUpdate(created.metadata!.managedFields, new Set([replicas]), live, {
      manager: 'b',
      apiVersion: 'apps/v1',
      time: 'T2',
    });
    expect(next.find((e) => e.manager === 'b')!.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });
});
