import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';

/** @kubernetes/client-node 1.4 against an in-process space: CRUD and informers, incl. relist on 410. */

let space: Space;
let dir: string;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start({
    dataDir: dir,
    name: 'it',
    storage: { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 },
  });
  kc = new k8s.KubeConfig();
  kc.loadFromString(space.kubeconfig());
});

afterAll(async () => {
  await space?.close();
  removeDir(dir);
});

function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() > end) return reject(new Error('condition not met in time'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('client-node CoreV1Api and KubernetesObjectApi', () => {
  it('creates, reads, updates with optimistic concurrency, lists and deletes', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'cn' } } });
    const created = await core.createNamespacedConfigMap({
      namespace: 'cn',
      body: { metadata: { name: 'cfg', labels: { app: 'a' } }, data: { k: 'v' } },
    });
    expect(created.metadata?.uid).toMatch(/[0-9a-f-]{36}/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);

    const read = await core.readNamespacedConfigMap({ name: 'cfg', namespace: 'cn' });
    expect(read.data).toEqual({ k: 'v' });

    read.data = { k: 'v2' };
    const updated = await core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'cn', body: read });
    expect(updated.data).toEqual({ k: 'v2' });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(Number(read.metadata!.resourceVersion));

    // The stale copy now conflicts.
    await expect(
      core.replaceNamespacedConfigMap({ name: 'cfg', namespace: 'cn', body: read }),
    ).rejects.toMatchObject({ code: 409 });

    const list = await core.listNamespacedConfigMap({ namespace: 'cn', labelSelector: 'app=a' });
    expect(list.items.map((i) => i.metadata?.name)).toContain('cfg');
    expect(list.items.every((i) => i.metadata?.labels?.app === 'a')).toBe(true);

    await core.deleteNamespacedConfigMap({ name: 'cfg', namespace: 'cn' });
    await expect(core.readNamespacedConfigMap({ name: 'cfg', namespace: 'cn' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('KubernetesObjectApi creates and strategic-merge-patches a Deployment', async () => {
    const api = k8s.KubernetesObjectApi.makeApiClient(kc);
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
        },
      },
    };
    const created = await api.create(dep);
    expect((created.metadata as any)?.generation).toBe(1);
    const patched = await api.patch({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } },
    } as k8s.KubernetesObject);
    const c = (patched as any).spec.template.spec.containers;
    expect(c).toHaveLength(1);
    expect(c[0].image).toBe('nginx:1.26');
    expect(c[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect((patched.metadata as any)?.generation).toBe(2);
  });
});

describe('client-node informer', () => {
  it('sees ADDED, MODIFIED and DELETED in order, and relists after a forced compaction (410)', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    const events: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    // kube-root-ca.crt is published into every namespace by the server; ignore it.
    const mine = (o: k8s.V1ConfigMap) => o.metadata?.name !== 'kube-root-ca.crt';
    informer.on('add', (o) => mine(o) && events.push(`add:${o.metadata?.name}:${o.data?.v}`));
    informer.on('update', (o) => mine(o) && events.push(`update:${o.metadata?.name}:${o.data?.v}`));
    informer.on('delete', (o) => mine(o) && events.push(`delete:${o.metadata?.name}`));
    const errorsSeen: unknown[] = [];
    informer.on('error', (e) => {
      errorsSeen.push(e);
      // client-node stops on errors; restart like a controller would.
      setTimeout(() => void informer.start(), 50);
    });
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'inf',
        body: { metadata: { name: 'a' }, data: { v: '1' } },
      });
      await core.patchNamespacedConfigMap(
        { name: 'a', namespace: 'inf', body: { data: { v: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'inf' });
      await waitFor(() => events.length >= 3);
      expect(events.slice(0, 3)).toEqual(['add:a:1', 'update:a:2', 'delete:a']);

      // Force the informer's resume point out of history: stop its watch by compacting
      // everything, then write; the next watch from its last RV gets 410 and it relists.
      const before = space.store.currentRev();
      await core.createNamespacedConfigMap({
        namespace: 'inf',
        body: { metadata: { name: 'b' }, data: { v: '1' } },
      });
      await waitFor(() => events.includes('add:b:1'));
      for (let i = 0; i < 5; i++)
        await core.createNamespacedConfigMap({
          namespace: 'default',
          body: { metadata: { name: `noise-${i}` } },
        });
      space.store.compact(space.store.currentRev());
      expect(space.store.compactRev()).toBeGreaterThan(before);
      // Cut the informer's watch (as a network blip would): it re-watches from its last
      // resourceVersion, which is now compacted, gets a 410 ERROR event and relists.
      space.dropConnections();
      await new Promise((r) => setTimeout(r, 300));
      await core.createNamespacedConfigMap({
        namespace: 'inf',
        body: { metadata: { name: 'c' }, data: { v: '1' } },
      });
      await waitFor(() => events.includes('add:c:1'));
      expect(
        informer
          .list()
          .filter(mine)
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['b', 'c']);
    } finally {
      await informer.stop();
    }
  });
});

describe('watch from a compacted resourceVersion', () => {
  it('answers 200 with one ERROR event carrying a 410 Expired Status, then closes', async () => {
    const { request } = await import('node:https');
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const old = space.store.currentRev();
    for (let i = 0; i < 3; i++)
      await core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: `gone-${i}` } },
      });
    space.store.compact(space.store.currentRev());
    const cluster = kc.getCurrentCluster()!;
    const u = new URL(cluster.server);
    const body = await new Promise<{ code: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: Number(u.port),
          path: `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${old}`,
          ca: Buffer.from(cluster.caData!, 'base64'),
          headers: { Authorization: `Bearer ${kc.getCurrentUser()!.token}` },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ code: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body.code).toBe(200);
    const lines = body.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].type).toBe('ERROR');
    expect(lines[0].object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(lines[0].object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });
});
