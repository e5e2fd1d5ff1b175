import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import {
  DynamicClient,
  kubeConfigFromString,
  type ListOptions,
  type ObjectList,
  type ResourceId,
} from '../../src/kube/index.js';
import { CONFIG_MAP, CUSTOM_RESOURCE_DEFINITION, NAMESPACE } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/meta.js';
import { DynamicInformers, Informer, LABEL_INDEX } from '../../src/engine/runtime/index.js';

/** Informers against a real in-process space: order, resume, relist after 410, server restart. */

let space: Space;
let dir: string;
let writer: DynamicClient;
const spaceOptions = (port = 0) => ({
  dataDir: dir,
  name: 'rt-informer',
  port,
  // Keep no history beyond what is asked for, so compaction is under the test's control.
  storage: { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 },
});

/** Counts list calls, to tell a resumed watch from a relist. */
class CountingClient extends DynamicClient {
  lists = 0;
  override list<T = KObject>(res: ResourceId, o?: ListOptions): Promise<ObjectList<T>> {
    this.lists++;
    return super.list<T>(res, o);
  }
}

async function eventually(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function clientFor(s: Space): CountingClient {
  // A fresh client per test, so one test's closed pool does not affect another.
  return new CountingClient(DynamicClient.fromKubeConfig(kubeConfigFromString(s.kubeconfig())).rest);
}

const cm = (name: string, v: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'inf', labels },
  data: { v },
});

/** Records handler calls as strings, ignoring the server-published root CA ConfigMap. */
function record(inf: Informer) {
  const events: string[] = [];
  const mine = (o: KObject) => o.metadata?.name !== 'kube-root-ca.crt';
  inf.addEventHandler({
    onAdd: (o, initial) =>
      mine(o) && events.push(`${initial ? 'initial' : 'add'}:${o.metadata!.name}:${o.data?.v}`),
    onUpdate: (old, o) => mine(o) && events.push(`update:${o.metadata!.name}:${old.data?.v}->${o.data?.v}`),
    onDelete: (o) => mine(o) && events.push(`delete:${o.metadata!.name}`),
  });
  return events;
}

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start(spaceOptions());
  writer = DynamicClient.fromKubeConfig(kubeConfigFromString(space.kubeconfig()));
  await writer.create(NAMESPACE, { metadata: { name: 'inf' } });
});

afterAll(async () => {
  writer?.rest.close();
  await space?.close();
  removeDir(dir);
});

describe('Informer', () => {
  it('lists, then delivers add/update/delete in order, with a consistent indexed cache', async () => {
    await writer.create(CONFIG_MAP, cm('pre', '0', { app: 'x' }));
    const client = clientFor(space);
    const inf = new Informer({ client, resource: CONFIG_MAP, namespace: 'inf' });
    const events = record(inf);
    const ac = new AbortController();
    const run = inf.start(ac.signal);
    expect(await inf.waitForSync()).toBe(true);
    expect(inf.hasSynced()).toBe(true);
    expect(events).toEqual(['initial:pre:0']);
    expect(inf.cache.getByName('pre', 'inf')).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });

    await writer.create(CONFIG_MAP, cm('a', '1', { app: 'y' }));
    await writer.patch(
      CONFIG_MAP,
      'a',
      { data: { v: '2' }, metadata: { labels: { app: 'x' } } },
      { type: 'merge', namespace: 'inf' },
    );
    await writer.delete(CONFIG_MAP, 'pre', { namespace: 'inf' });
    await eventually(() => events.length >= 4);
    expect(events).toEqual(['initial:pre:0', 'add:a:1', 'update:a:1->2', 'delete:pre']);
    expect(inf.cache.byIndex(LABEL_INDEX, 'app=x').map((o) => o.metadata!.name)).toEqual(['a']);
    expect(inf.cache.list({ labelSelector: 'app=y' })).toEqual([]);

    // A handler added late first hears about what is already there.
    const late: string[] = [];
    inf.addEventHandler({ onAdd: (o, initial) => initial && late.push(o.metadata!.name!) });
    expect(late.sort()).toEqual(['a', 'kube-root-ca.crt']);

    ac.abort();
    await run;
    expect(inf.stopped).toBe(true);
    client.rest.close();
  });

  it('resumes from the last resourceVersion after connections drop (no relist)', async () => {
    const client = clientFor(space);
    const inf = new Informer({ client, resource: CONFIG_MAP, namespace: 'inf', backoff: { initialMs: 300 } });
    const events = record(inf);
    const run = inf.start();
    await inf.waitForSync();
    expect(client.lists).toBe(1);
    const seen = events.length;

    space.dropConnections();
    // Written while the informer is disconnected (it waits ~300 ms before reconnecting).
    await writer.create(CONFIG_MAP, cm('b', '1'));
    await writer.patch(CONFIG_MAP, 'b', { data: { v: '2' } }, { type: 'merge', namespace: 'inf' });
    await eventually(() => events.length >= seen + 2);
    expect(events.slice(seen)).toEqual(['add:b:1', 'update:b:1->2']);
    expect(client.lists).toBe(1);

    await inf.stop();
    await run;
    client.rest.close();
  });

  it('relists after its resourceVersion is compacted away, reporting what it missed', async () => {
    const client = clientFor(space);
    const inf = new Informer({ client, resource: CONFIG_MAP, namespace: 'inf', backoff: { initialMs: 500 } });
    const events = record(inf);
    void inf.start();
    await inf.waitForSync();
    expect(inf.cache.getByName('b', 'inf')).toBeDefined();
    const seen = events.length;

    space.dropConnections();
    // Missed while disconnected: a deletion, a creation and an update, then history is compacted.
    await writer.delete(CONFIG_MAP, 'b', { namespace: 'inf' });
    await writer.create(CONFIG_MAP, cm('c', '1'));
    await writer.patch(CONFIG_MAP, 'a', { data: { v: '3' } }, { type: 'merge', namespace: 'inf' });
    space.store.compact(space.store.currentRev());

    await eventually(() => events.length >= seen + 3);
    // The relist is diffed against the cache: the deletion is not lost.
    expect(events.slice(seen).sort()).toEqual(['add:c:1', 'delete:b', 'update:a:2->3']);
    expect(client.lists).toBe(2);
    expect(
      inf.cache
        .list()
        .map((o) => o.metadata!.name)
        .sort(),
    ).toEqual(['a', 'c', 'kube-root-ca.crt']);

    // And it watches again afterwards.
    await writer.create(CONFIG_MAP, cm('d', '1'));
    await eventually(() => events.includes('add:d:1'));
    await inf.stop();
    client.rest.close();
  });

  it('survives a server restart on the same data directory and port', async () => {
    const client = clientFor(space);
    const inf = new Informer({
      client,
      resource: CONFIG_MAP,
      namespace: 'inf',
      backoff: { initialMs: 50, maxMs: 400 },
    });
    const events = record(inf);
    void inf.start();
    await inf.waitForSync();
    const seen = events.length;
    const lists = client.lists;

    const port = space.port;
    writer.rest.close();
    await space.close();
    // Down for a while: the informer meets refused connections and keeps trying.
    await new Promise((r) => setTimeout(r, 700));
    space = await Space.start(spaceOptions(port));
    writer = DynamicClient.fromKubeConfig(kubeConfigFromString(space.kubeconfig()));
    await writer.create(CONFIG_MAP, cm('after-restart', '1'));

    await eventually(() => events.includes('add:after-restart:1'));
    expect(events.slice(seen)).toEqual(['add:after-restart:1']);
    // History survived the restart, so it resumed rather than relisted.
    expect(client.lists).toBe(lists);
    await inf.stop();
    client.rest.close();
  });
});

describe('DynamicInformers', () => {
  const WIDGETS = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true };
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };

  it('starts informers at run time and stops them on request', async () => {
    const client = clientFor(space);
    const created: string[] = [];
    const set = new DynamicInformers({ client, onCreate: (i) => created.push(i.resource.resource) });
    const cms = set.informerFor(CONFIG_MAP, { namespace: 'inf' });
    expect(set.informerFor(CONFIG_MAP, { namespace: 'inf' })).toBe(cms);
    const ac = new AbortController();
    const run = set.start(ac.signal);
    expect(await set.waitForSync()).toBe(true);
    expect(cms.cache.size).toBeGreaterThan(0);

    // A resource that appears later gets an informer while the set runs.
    await writer.create(CUSTOM_RESOURCE_DEFINITION, crd);
    const widgets = set.informerFor(WIDGETS);
    const names: string[] = [];
    const deleted: string[] = [];
    widgets.addEventHandler({
      onAdd: (o) => names.push(o.metadata!.name!),
      onDelete: (o) => deleted.push(o.metadata!.name!),
    });
    await writer.create(WIDGETS, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'inf' },
    });
    await eventually(() => names.includes('w1'));
    expect(widgets.hasSynced()).toBe(true);
    expect(created).toEqual(['configmaps', 'widgets']);
    expect(set.list()).toHaveLength(2);

    // Removing it stops the watch and (on request) reports the cached objects as deleted.
    expect(await set.remove(WIDGETS, {}, { emitDeletes: true })).toBe(true);
    expect(widgets.stopped).toBe(true);
    expect(deleted).toEqual(['w1']);
    expect(set.has(WIDGETS)).toBe(false);
    await writer.create(WIDGETS, {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w2', namespace: 'inf' },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(names).toEqual(['w1']);
    expect(await set.remove(WIDGETS)).toBe(false);

    ac.abort();
    await run;
    expect(cms.stopped).toBe(true);
    client.rest.close();
  });
});
