import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import {
  DynamicClient,
  discoverResources,
  watchResources,
  kubeConfigFromString,
  isConflict,
  isNotFound,
  isAlreadyExists,
  isInvalid,
  ignoreNotFound,
  ApiError,
  type ResourceChange,
} from '../../src/kube/index.js';
import { CONFIG_MAP, CUSTOM_RESOURCE_DEFINITION, NAMESPACE } from '../../src/api/gvr.js';

/** src/kube against an in-process space: the dynamic client's verbs, discovery and its watch. */

let space: Space;
let dir: string;
let client: DynamicClient;

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const WIDGETS = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true };

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

async function eventually(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start({ dataDir: dir, name: 'rt-client' });
  client = DynamicClient.fromKubeConfig(kubeConfigFromString(space.kubeconfig()));
});

afterAll(async () => {
  client?.rest.close();
  await space?.close();
  removeDir(dir);
});

describe('DynamicClient', () => {
  it('creates, gets, lists with selectors and pages, updates with optimistic concurrency, deletes', async () => {
    await client.create(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dc' } });
    for (let i = 0; i < 5; i++)
      await client.create(CONFIG_MAP, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `cm${i}`, namespace: 'dc', labels: { i: String(i), even: String(i % 2 === 0) } },
        data: { v: String(i) },
      });
    const got = await client.get(CONFIG_MAP, 'cm1', { namespace: 'dc' });
    expect(got.data).toEqual({ v: '1' });

    const even = await client.list(CONFIG_MAP, { namespace: 'dc', labelSelector: 'even=true' });
    expect(even.items.map((o) => o.metadata!.name).sort()).toEqual(['cm0', 'cm2', 'cm4']);
    const page = await client.list(CONFIG_MAP, { namespace: 'dc', labelSelector: 'i', limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.metadata.continue).toBeTruthy();
    const all = await client.listAll(CONFIG_MAP, { namespace: 'dc', labelSelector: 'i', pageSize: 2 });
    expect(all.items.map((o) => o.metadata!.name).sort()).toEqual(['cm0', 'cm1', 'cm2', 'cm3', 'cm4']);
    expect(Number(all.metadata.resourceVersion)).toBeGreaterThan(0);

    const updated = await client.update(CONFIG_MAP, { ...got, data: { v: 'one' } });
    expect(updated.data).toEqual({ v: 'one' });
    const stale = await client.update(CONFIG_MAP, { ...got, data: { v: 'stale' } }).catch((e) => e);
    expect(isConflict(stale)).toBe(true);
    expect(stale).toBeInstanceOf(ApiError);

    const dup = await client
      .create(CONFIG_MAP, { metadata: { name: 'cm0', namespace: 'dc' } })
      .catch((e) => e);
    expect(isAlreadyExists(dup)).toBe(true);
    expect(isConflict(dup)).toBe(false);

    await client.delete(CONFIG_MAP, 'cm0', { namespace: 'dc' });
    expect(await ignoreNotFound(client.get(CONFIG_MAP, 'cm0', { namespace: 'dc' }))).toBeUndefined();
    expect(isNotFound(await client.get(CONFIG_MAP, 'cm0', { namespace: 'dc' }).catch((e) => e))).toBe(true);
    expect(() => client.get(CONFIG_MAP, 'x')).toThrow(/namespace is required/);
  });

  it('patches with merge, JSON, strategic merge and server-side apply (conflicts, force)', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'dc' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
        },
      },
    };
    await client.apply(DEPLOYMENTS, dep, { fieldManager: 'first' });

    const m = await client.patch(
      DEPLOYMENTS,
      'web',
      { metadata: { labels: { a: 'b' } } },
      { type: 'merge', namespace: 'dc' },
    );
    expect(m.metadata!.labels).toEqual({ a: 'b' });
    const j = await client.patch(DEPLOYMENTS, 'web', [{ op: 'replace', path: '/spec/replicas', value: 2 }], {
      type: 'json',
      namespace: 'dc',
    });
    expect(j.spec.replicas).toBe(2);
    const s = await client.patch(
      DEPLOYMENTS,
      'web',
      { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } },
      { type: 'strategic', namespace: 'dc' },
    );
    // Strategic merge merges the containers list by name instead of replacing it.
    expect(s.spec.template.spec.containers.map((c: { name: string }) => c.name).sort()).toEqual([
      'nginx',
      'sidecar',
    ]);

    const other = { ...dep, spec: { ...dep.spec, replicas: 5 } };
    const conflict = await client.apply(DEPLOYMENTS, other, { fieldManager: 'second' }).catch((e) => e);
    expect(isConflict(conflict)).toBe(true);
    const forced = await client.apply(DEPLOYMENTS, other, { fieldManager: 'second', force: true });
    expect(forced.spec.replicas).toBe(5);
    expect(forced.metadata!.managedFields!.map((f: { manager: string }) => f.manager)).toContain('second');

    const dry = await client.patch(
      DEPLOYMENTS,
      'web',
      { spec: { replicas: 9 } },
      { type: 'merge', namespace: 'dc', dryRun: true },
    );
    expect(dry.spec.replicas).toBe(9);
    expect((await client.get(DEPLOYMENTS, 'web', { namespace: 'dc' })).spec.replicas).toBe(5);
  });

  it('writes the status subresource of a custom resource by update and by apply', async () => {
    await client.create(CUSTOM_RESOURCE_DEFINITION, widgetCrd);
    await eventually(async () =>
      (await discoverResources(client)).some((r) => r.group === 'example.com' && r.resource === 'widgets'),
    );
    const w = await client.create(WIDGETS, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'dc' },
      spec: { size: 1 },
    });
    // A status sent to the main resource is ignored; the subresource is where it goes.
    const viaMain = await client.update(WIDGETS, { ...w, status: { phase: 'Ignored' } });
    expect(viaMain.status).toBeUndefined();
    const st = await client.updateStatus(WIDGETS, { ...viaMain, status: { phase: 'Ready' } });
    expect(st.status).toEqual({ phase: 'Ready' });
    const applied = await client.applyStatus(
      WIDGETS,
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: 'dc' },
        status: { phase: 'Done' },
      },
      { fieldManager: 'status-writer', force: true },
    );
    expect(applied.status).toEqual({ phase: 'Done' });
    expect(applied.spec).toEqual({ size: 1 });
    const invalid = await client
      .patch(WIDGETS, 'w1', { spec: { size: 'big' } }, { type: 'merge', namespace: 'dc' })
      .catch((e) => e);
    expect(isInvalid(invalid)).toBe(true);
  });
});

describe('discovery', () => {
  it('lists served resources in preferred versions with scope, verbs and kind', async () => {
    const rs = await discoverResources(client);
    const find = (g: string, r: string) => rs.find((x) => x.group === g && x.resource === r);
    expect(find('', 'configmaps')).toMatchObject({
      version: 'v1',
      kind: 'ConfigMap',
      namespaced: true,
      preferred: true,
    });
    expect(find('', 'namespaces')).toMatchObject({ kind: 'Namespace', namespaced: false });
    expect(find('apps', 'deployments')!.verbs).toEqual(
      expect.arrayContaining(['list', 'watch', 'create', 'patch']),
    );
    expect(rs.some((r) => r.resource.includes('/'))).toBe(false);
    // One entry per group/resource.
    const keys = rs.map((r) => `${r.group}/${r.resource}`);
    expect(new Set(keys).size).toBe(keys.length);
    const every = await discoverResources(client, { allVersions: true });
    expect(every.length).toBeGreaterThanOrEqual(rs.length);
  });

  it('watchResources reports CRD-backed resources as they appear and disappear', async () => {
    const changes: ResourceChange[] = [];
    const ac = new AbortController();
    const done = watchResources(client, ac.signal, { onChange: (c) => changes.push(c), debounceMs: 20 });
    try {
      await eventually(() => changes.length >= 1);
      expect(changes[0].resources.some((r) => r.resource === 'configmaps')).toBe(true);

      const gadgets = {
        ...widgetCrd,
        metadata: { name: 'gadgets.example.com' },
        spec: {
          ...widgetCrd.spec,
          names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        },
      };
      await client.create(CUSTOM_RESOURCE_DEFINITION, gadgets);
      await eventually(() => changes.some((c) => c.added.some((r) => r.resource === 'gadgets')));
      expect(changes.find((c) => c.added.some((r) => r.resource === 'gadgets'))!.added).toEqual([
        expect.objectContaining({ group: 'example.com', version: 'v1', kind: 'Gadget', namespaced: true }),
      ]);

      await client.delete(CUSTOM_RESOURCE_DEFINITION, 'gadgets.example.com');
      await eventually(() => changes.some((c) => c.removed.some((r) => r.resource === 'gadgets')));
    } finally {
      ac.abort();
      await done;
    }
  });
});
