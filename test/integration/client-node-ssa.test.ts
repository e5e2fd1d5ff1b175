import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';

/**
 * @kubernetes/client-node 1.4 `KubernetesObjectApi` against an in-process space: the three patch
 * content types (strategic merge by default, JSON merge patch, server-side apply) and the
 * managedFields bookkeeping that server-side apply relies on.
 */

const NS = 'cn-ssa';
let space: Space;
let dir: string;
let api: k8s.KubernetesObjectApi;
let apps: k8s.AppsV1Api;

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start({ dataDir: dir, name: 'it-ssa' });
  const kc = new k8s.KubeConfig();
  kc.loadFromString(space.kubeconfig());
  api = k8s.KubernetesObjectApi.makeApiClient(kc);
  apps = kc.makeApiClient(k8s.AppsV1Api);
  await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
});

afterAll(async () => {
  await space?.close();
  removeDir(dir);
});

type Obj = k8s.KubernetesObject & Record<string, any>;

function deployment(name: string, spec: Record<string, any>): Obj {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NS }, spec };
}

function podTemplate(app: string, containers: Record<string, any>[]) {
  return {
    selector: { matchLabels: { app } },
    template: { metadata: { labels: { app } }, spec: { containers } },
  };
}

function managers(obj: Obj): { manager: string; operation: string; fields: string }[] {
  return (obj.metadata?.managedFields ?? []).map((m: any) => ({
    manager: m.manager,
    operation: m.operation,
    fields: JSON.stringify(m.fieldsV1 ?? {}),
  }));
}

/** The Status of a rejected call, whatever shape client-node gives its body. */
async function rejection(p: Promise<unknown>): Promise<{ code: number; status: any }> {
  try {
    await p;
  } catch (e: any) {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, status: body };
  }
  throw new Error('expected the call to fail');
}

const ssa = (obj: Obj, fieldManager: string | undefined, force?: boolean) =>
  api.patch(obj, undefined, undefined, fieldManager, force, k8s.PatchStrategy.ServerSideApply);

describe('KubernetesObjectApi patch strategies', () => {
  it('create, then a strategic merge patch (the default) merges containers by name', async () => {
    const created = await api.create(
      deployment(
        'web',
        podTemplate('web', [
          { name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'busybox:1.36', args: ['sleep', 'infinity'] },
        ]),
      ),
    );
    expect(created.metadata?.generation).toBe(1);
    // client-node names no field manager; the server records the User-Agent's product token.
    expect(managers(created).map((m) => [m.manager, m.operation])).toEqual([['node-fetch', 'Update']]);

    const patched: Obj = await api.patch(
      deployment('web', { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } }),
    );
    const c = patched.spec.template.spec.containers;
    expect(c.map((x: any) => [x.name, x.image])).toEqual([
      ['app', 'nginx:1.27'],
      ['sidecar', 'busybox:1.36'],
    ]);
    expect(c[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('a JSON merge patch replaces lists wholesale and deletes keys set to null', async () => {
    const merged: Obj = await api.patch(
      {
        ...deployment('web', { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } }),
        metadata: { name: 'web', namespace: NS, labels: { tier: 'frontend', team: 'a' } },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
    expect(merged.metadata?.labels).toEqual({ tier: 'frontend', team: 'a' });
    const c = merged.spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0].name).toBe('app');
    expect(c[0].image).toBe('nginx:1.28');
    expect(c[0].ports).toBeUndefined();

    // The typed client picks the content type through a header option. (KubernetesObjectApi
    // 1.4 takes a full Configuration as its options, so it uses the patchStrategy argument.)
    const unlabelled = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: NS, body: { metadata: { labels: { tier: null } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(unlabelled.metadata?.labels).toEqual({ team: 'a' });
    expect(unlabelled.spec?.template.spec?.containers.map((x) => x.image)).toEqual(['nginx:1.28']);
  });

  it('force is refused on a non-apply patch', async () => {
    const r = await rejection(
      api.patch(
        deployment('web', { replicas: 2 }),
        undefined,
        undefined,
        'me',
        true,
        k8s.PatchStrategy.MergePatch,
      ),
    );
    expect(r.code).toBe(422);
    expect(r.status.message).toContain('force: Forbidden: may not be specified for non-apply patch');
  });
});

describe('KubernetesObjectApi server-side apply', () => {
  it('creates through apply, then a changed re-apply updates, prunes and keeps one Apply entry', async () => {
    const v1: Obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: NS, labels: { app: 'settings' } },
      data: { mode: 'fast', level: '1' },
    };
    const created: Obj = await ssa(v1, 'my-ctrl', true);
    expect(created.data).toEqual({ mode: 'fast', level: '1' });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    let m = managers(created);
    expect(m.map((x) => [x.manager, x.operation])).toEqual([['my-ctrl', 'Apply']]);
    expect(m[0].fields).toContain('"f:mode"');
    expect(m[0].fields).toContain('"f:level"');
    expect(m[0].fields).toContain('"f:app"');
    const entry = created.metadata!.managedFields![0];
    expect(entry.apiVersion).toBe('v1');
    expect(entry.fieldsType).toBe('FieldsV1');
    expect(entry.time).toBeTruthy();

    // Changed value for `mode`, `level` dropped from the configuration: it leaves the object.
    const v2: Obj = { ...v1, data: { mode: 'safe' } };
    const updated: Obj = await ssa(v2, 'my-ctrl', true);
    expect(updated.data).toEqual({ mode: 'safe' });
    expect(updated.metadata?.labels).toEqual({ app: 'settings' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    m = managers(updated);
    expect(m.map((x) => [x.manager, x.operation])).toEqual([['my-ctrl', 'Apply']]);
    expect(m[0].fields).not.toContain('"f:level"');

    // The same configuration again is a no-op: no new resourceVersion.
    const again: Obj = await ssa(v2, 'my-ctrl', true);
    expect(again.metadata?.resourceVersion).toBe(updated.metadata?.resourceVersion);

    // Read back through a plain GET.
    const read: Obj = await api.read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: NS },
    });
    expect(read.data).toEqual({ mode: 'safe' });
    expect(managers(read).map((x) => x.manager)).toEqual(['my-ctrl']);
  });

  it('an apply without fieldManager is rejected with 422', async () => {
    const r = await rejection(
      ssa(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nomgr', namespace: NS }, data: { a: 'b' } },
        undefined,
      ),
    );
    expect(r.code).toBe(422);
    expect(r.status.message).toContain('fieldManager: Required value: is required for apply patch');
  });

  it('a second manager conflicts on a field it does not own; force moves the ownership', async () => {
    const spec = (replicas: number) => ({
      replicas,
      ...podTemplate('api', [
        { name: 'api', image: 'ghcr.io/example/api:1.0', ports: [{ containerPort: 8080 }] },
      ]),
    });
    const created: Obj = await ssa(deployment('api', spec(2)), 'owner-ctrl', true);
    expect(created.spec.replicas).toBe(2);
    expect(managers(created).map((x) => [x.manager, x.operation])).toEqual([['owner-ctrl', 'Apply']]);

    // Another applier sets only replicas, to a different value, without force.
    const partial: Obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: NS },
      spec: { replicas: 5 },
    };
    const r = await rejection(ssa(partial, 'scaler', false));
    expect(r.code).toBe(409);
    expect(r.status.reason).toBe('Conflict');
    expect(r.status.message).toBe('Apply failed with 1 conflict: conflict with "owner-ctrl": .spec.replicas');
    expect(r.status.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "owner-ctrl"', field: '.spec.replicas' },
    ]);

    // The same value is shared ownership, not a conflict.
    const shared: Obj = await ssa({ ...partial, spec: { replicas: 2 } }, 'scaler', false);
    expect(shared.spec.replicas).toBe(2);
    expect(
      managers(shared)
        .map((x) => x.manager)
        .sort(),
    ).toEqual(['owner-ctrl', 'scaler']);

    const forced: Obj = await ssa(partial, 'scaler', true);
    expect(forced.spec.replicas).toBe(5);
    const m = managers(forced);
    expect(m.find((x) => x.manager === 'scaler')).toMatchObject({ operation: 'Apply' });
    expect(m.find((x) => x.manager === 'scaler')!.fields).toContain('"f:replicas"');
    expect(m.find((x) => x.manager === 'owner-ctrl')!.fields).not.toContain('"f:replicas"');
    expect(m.find((x) => x.manager === 'owner-ctrl')!.fields).toContain(
      'k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}',
    );
    // The rest of the object is untouched.
    expect(forced.spec.template.spec.containers[0].image).toBe('ghcr.io/example/api:1.0');
  });
});
