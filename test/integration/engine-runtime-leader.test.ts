import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import {
  DynamicClient,
  kubeConfigFromString,
  type NamespaceOptions,
  type ResourceId,
  type WriteOptions,
} from '../../src/kube/index.js';
import { CONFIG_MAP, NAMESPACE } from '../../src/api/gvr.js';
import type { KObject } from '../../src/api/meta.js';
import {
  Controller,
  Informer,
  LEASE,
  LeaderElectionLostError,
  LeaderElector,
  Manager,
  objectKey,
  splitKey,
  type LeaderElectorOptions,
} from '../../src/engine/runtime/index.js';

/** Lease-based leader election and the Manager against a real in-process space. */

let space: Space;
let dir: string;
let kubeconfig: string;

/** A client whose lease traffic can be cut, to play a leader that lost the network. */
class FlakyClient extends DynamicClient {
  broken = false;
  override get<T = KObject>(res: ResourceId, name: string, o?: NamespaceOptions): Promise<T> {
    if (this.broken)
      return Promise.reject(Object.assign(new Error('network down'), { code: 'ECONNREFUSED' }));
    return super.get<T>(res, name, o);
  }
  override update<T extends KObject = KObject>(res: ResourceId, obj: KObject, o?: WriteOptions): Promise<T> {
    if (this.broken)
      return Promise.reject(Object.assign(new Error('network down'), { code: 'ECONNREFUSED' }));
    return super.update<T>(res, obj, o);
  }
}

const newClient = () => new FlakyClient(DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig)).rest);
const TIMING = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 };

/** One candidate with a record of when it led. */
function candidate(identity: string, lease: string, client = newClient()) {
  const o: LeaderElectorOptions = { client, namespace: 'le', name: lease, identity, ...TIMING };
  const elector = new LeaderElector(o);
  const terms: Array<{ from: number; to?: number }> = [];
  const ac = new AbortController();
  const run = elector.run(
    {
      onStartedLeading: (signal) =>
        new Promise<void>((resolve) => {
          const term: { from: number; to?: number } = { from: performance.now() };
          terms.push(term);
          signal.addEventListener('abort', () => {
            term.to = performance.now();
            resolve();
          });
        }),
    },
    ac.signal,
  );
  return { identity, elector, terms, client, stop: () => ac.abort(), run };
}

function assertNoOverlap(...all: Array<Array<{ from: number; to?: number }>>): void {
  const terms = all.flat().sort((a, b) => a.from - b.from);
  for (let i = 1; i < terms.length; i++)
    expect(terms[i - 1].to ?? Infinity).toBeLessThanOrEqual(terms[i].from);
}

async function eventually(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start({ dataDir: dir, name: 'rt-leader' });
  kubeconfig = space.kubeconfig();
  await DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig)).create(NAMESPACE, {
    metadata: { name: 'le' },
  });
});

afterAll(async () => {
  await space?.close();
  removeDir(dir);
});

describe('LeaderElector', () => {
  it('elects one of two candidates; when it stops, the other takes over at once', async () => {
    const a = candidate('a', 'handover');
    const b = candidate('b', 'handover');
    await eventually(() => a.elector.isLeader() || b.elector.isLeader());
    await new Promise((r) => setTimeout(r, 600)); // several renew rounds: still exactly one
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    const [leader, follower] = a.elector.isLeader() ? [a, b] : [b, a];
    expect(follower.elector.leader).toBe(leader.identity);

    const lease = await leader.client.get<KObject>(LEASE, 'handover', { namespace: 'le' });
    expect(lease.spec).toMatchObject({
      holderIdentity: leader.identity,
      leaseDurationSeconds: 2,
      leaseTransitions: 0,
    });
    expect(lease.spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(lease.spec.acquireTime).toMatch(/\.\d{6}Z$/);

    const stoppedAt = performance.now();
    leader.stop();
    await leader.run;
    // Released on stop: the successor need not wait out the lease duration.
    await eventually(() => follower.elector.isLeader());
    expect(performance.now() - stoppedAt).toBeLessThan(TIMING.leaseDurationMs);
    assertNoOverlap(a.terms, b.terms);

    const after = await follower.client.get<KObject>(LEASE, 'handover', { namespace: 'le' });
    expect(after.spec).toMatchObject({ holderIdentity: follower.identity, leaseTransitions: 1 });
    follower.stop();
    await follower.run;
  });

  it('a leader that cannot renew steps down before anyone else takes over', async () => {
    const a = candidate('a', 'partition');
    await eventually(() => a.elector.isLeader());
    const b = candidate('b', 'partition');
    await new Promise((r) => setTimeout(r, 300));
    expect(b.elector.isLeader()).toBe(false);

    const cutAt = performance.now();
    a.client.broken = true; // a can no longer reach the server, and cannot release either
    await a.run; // a gives up leading on its own after the renew deadline
    expect(a.terms[0].to! - cutAt).toBeLessThan(TIMING.renewDeadlineMs + 300);
    await eventually(() => b.elector.isLeader());
    // b had to wait for the lease to expire on its own clock.
    expect(b.terms[0].from - cutAt).toBeGreaterThanOrEqual(TIMING.leaseDurationMs - TIMING.retryPeriodMs);
    expect(b.terms[0].from - cutAt).toBeLessThan(TIMING.leaseDurationMs + 1500);
    assertNoOverlap(a.terms, b.terms);
    b.stop();
    await b.run;
  });
});

describe('Manager', () => {
  it('syncs caches, elects a leader, runs its controllers there only, and shuts down cleanly', async () => {
    const writer = DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig));
    await writer.create(NAMESPACE, { metadata: { name: 'mgr' } });
    await writer.create(CONFIG_MAP, {
      metadata: { name: 'one', namespace: 'mgr', labels: { want: 'copy' } },
    });

    // Two replicas of a tiny engine: copy every labelled ConfigMap to "<name>-copy".
    const replica = (id: string) => {
      const client = newClient();
      const informer = new Informer({
        client,
        resource: CONFIG_MAP,
        namespace: 'mgr',
        labelSelector: 'want=copy',
      });
      const reconciled: string[] = [];
      const controller = new Controller({
        name: 'copier',
        reconcile: async (key) => {
          reconciled.push(key);
          const { namespace, name } = splitKey(key);
          const src = informer.cache.get(key);
          if (!src) return;
          await client.apply(
            CONFIG_MAP,
            {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: `${name}-copy`, namespace },
              data: { from: id },
            },
            { fieldManager: 'copier', force: true },
          );
        },
      });
      informer.addEventHandler({
        onAdd: (o) => controller.enqueue(objectKey(o)),
        onUpdate: (_, o) => controller.enqueue(objectKey(o)),
      });
      const manager = new Manager({
        leaderElection: { client, namespace: 'mgr', name: 'engine', identity: id, ...TIMING },
      });
      manager.add(informer).add(controller);
      const ac = new AbortController();
      const run = manager.start(ac.signal);
      return { id, manager, reconciled, ac, run, informer };
    };
    const r1 = replica('r1');
    await r1.manager.ready();
    const r2 = replica('r2');
    await r2.informer.waitForSync();

    await writer.create(CONFIG_MAP, {
      metadata: { name: 'two', namespace: 'mgr', labels: { want: 'copy' } },
    });
    await eventually(() => r1.reconciled.includes('mgr/two'));
    const copy = await writer.get<KObject>(CONFIG_MAP, 'two-copy', { namespace: 'mgr' });
    expect(copy.data).toEqual({ from: 'r1' });
    expect(r1.reconciled).toContain('mgr/one');
    expect(r2.reconciled).toEqual([]); // caches run on both, controllers on the leader only
    expect(r2.manager.isLeader()).toBe(false);

    // The leader shuts down: the other replica takes over and catches up from its cache.
    r1.ac.abort();
    await r1.run;
    await r2.manager.ready();
    await eventually(() => r2.reconciled.includes('mgr/one') && r2.reconciled.includes('mgr/two'));
    await writer.create(CONFIG_MAP, {
      metadata: { name: 'three', namespace: 'mgr', labels: { want: 'copy' } },
    });
    await eventually(() => r2.reconciled.includes('mgr/three'));
    expect((await writer.get<KObject>(CONFIG_MAP, 'three-copy', { namespace: 'mgr' })).data).toEqual({
      from: 'r2',
    });

    r2.ac.abort();
    await r2.run;
    expect(r2.informer.stopped).toBe(true);
    writer.rest.close();
  });

  it('stops everything and rejects with LeaderElectionLostError when leadership is lost', async () => {
    const client = newClient();
    let controllerStopped = false;
    const manager = new Manager({
      leaderElection: { client, namespace: 'le', name: 'lost', identity: 'solo', ...TIMING },
    });
    manager.add({
      start: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            controllerStopped = true;
            resolve();
          }),
        ),
    });
    const run = manager.start(new AbortController().signal);
    await manager.ready();
    expect(manager.isLeader()).toBe(true);
    client.broken = true;
    await expect(run).rejects.toBeInstanceOf(LeaderElectionLostError);
    expect(controllerStopped).toBe(true);
    expect(manager.isLeader()).toBe(false);
  });
});
