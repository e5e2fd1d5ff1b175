/**
 * End-to-end latencies of KubeStellar on embedded WECs, all components in this process as the
 * embedded provider's daemon runs them: an ITS space with the hub controller, a WDS space with the
 * engine, and two EmbeddedWecs (space + agent + simulator with no rollout delay).
 *
 * (a) WDS → WEC propagation: create one object in the WDS that an existing policy sends to both
 *     WECs; the latency ends when the object has arrived in BOTH WECs (seen by watches on the
 *     WEC spaces). Measured separately for ConfigMaps and Deployments, sequentially, after a
 *     warm-up; each object is deleted again (deletion latency measured the same way) so every
 *     sample starts from the same state.
 * (b) WEC → WDS status return: with a singleton-status policy to cluster1, write `.status` of the
 *     object on the WEC (status subresource) and wait until the WDS object's `.status` shows it.
 *     The object is a custom resource: the simulator rewrites the whole status of the built-in
 *     workload kinds, so a hand-written Deployment status would not survive on the WEC.
 * Targets: p99 < 250 ms for (a) and (b).
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { itsCrds } from '../src/api/crds.js';
import {
  BINDING_POLICY,
  CONFIG_MAP,
  CUSTOM_RESOURCE_DEFINITION,
  MANAGED_CLUSTER,
  MANIFEST_WORK,
  NAMESPACE,
} from '../src/api/gvr.js';
import type { KObject } from '../src/api/meta.js';
import { EmbeddedWec } from '../src/agent/embedded-wec.js';
import { acceptCluster, createHubController } from '../src/agent/hub/index.js';
import { ensureCrds } from '../src/engine/controllers/crds.js';
import { createEngine } from '../src/engine/engine.js';
import { Informer } from '../src/engine/runtime/informer.js';
import { DynamicClient, type ResourceId } from '../src/kube/dynamic.js';
import { isNotFound } from '../src/kube/errors.js';
import { kubeConfigFromString } from '../src/kube/kubeconfig.js';
import { Space } from '../src/space/space.js';

const NS = 'bench';
const DEPLOYMENTS: ResourceId = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const PROBES: ResourceId = {
  group: 'bench.kstellar.io',
  version: 'v1',
  resource: 'probes',
  namespaced: true,
};
const WAIT_MS = 30_000;

export interface PropagationOptions {
  /** Measured samples per series (default 200). */
  samples?: number;
  /** Unmeasured samples before each series (default 20). */
  warmup?: number;
}

const clientOf = (kubeconfig: string) => DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig));

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const r1 = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({
  samples: xs.length,
  p50Ms: r1(percentile(xs, 50)),
  p90Ms: r1(percentile(xs, 90)),
  p99Ms: r1(percentile(xs, 99)),
  maxMs: r1(Math.max(...xs)),
  meanMs: r1(xs.reduce((a, b) => a + b, 0) / xs.length),
});

/**
 * An informer whose callers wait for a condition on its cache; the condition is checked on every
 * event, so the time recorded is when the watch delivered the change (no polling).
 */
class Watched<T extends KObject = KObject> {
  readonly informer: Informer<T>;
  private readonly waiters = new Set<() => void>();

  constructor(client: DynamicClient, resource: ResourceId, namespace?: string) {
    this.informer = new Informer<T>({ client, resource, namespace });
    const fire = () => this.waiters.forEach((w) => w());
    this.informer.addEventHandler({ onAdd: fire, onUpdate: fire, onDelete: fire });
  }

  get(name: string, namespace = NS): T | undefined {
    return this.informer.cache.get(`${namespace}/${name}`) ?? this.informer.cache.get(name);
  }

  /** Resolves with performance.now() at the first event after which `test` holds. */
  until(test: () => boolean, what: string): Promise<number> {
    if (test()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!test()) return;
        done();
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: not within ${WAIT_MS} ms`));
      }, WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }
}

const policy = (name: string, clusterSelectors: unknown[], downsync: unknown[]): KObject => ({
  apiVersion: 'control.kubestellar.io/v1alpha1',
  kind: 'BindingPolicy',
  metadata: { name },
  spec: { clusterSelectors, downsync },
});

const probeCrd: KObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'probes.bench.kstellar.io', labels: { bench: 'prop' } },
  spec: {
    group: 'bench.kstellar.io',
    names: { plural: 'probes', singular: 'probe', kind: 'Probe', listKind: 'ProbeList' },
    scope: 'Namespaced',
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
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

const configMap = (name: string): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels: { bench: 'prop' } },
  data: { key: name },
});

const deployment = (name: string): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS, labels: { bench: 'prop' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

export async function benchPropagation(o: PropagationOptions = {}): Promise<Record<string, unknown>> {
  const samples = o.samples ?? 200;
  const warmup = o.warmup ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'kstellar-bench-prop-'));
  const log = pino({ level: process.env.KSTELLAR_BENCH_LOG ?? 'silent' });
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const loops: Promise<unknown>[] = [];
  const clients: DynamicClient[] = [];
  const wecs: EmbeddedWec[] = [];
  const spaces: Space[] = [];
  try {
    const itsSpace = await Space.start({ dataDir: join(dir, 'its1'), name: 'its1', logger: log });
    spaces.push(itsSpace);
    const wdsSpace = await Space.start({ dataDir: join(dir, 'wds1'), name: 'wds1', logger: log });
    spaces.push(wdsSpace);
    const its = clientOf(itsSpace.kubeconfig());
    const wds = clientOf(wdsSpace.kubeconfig());
    clients.push(its, wds);
    await ensureCrds(its, itsCrds(), log, stop.signal);
    const hub = createHubController({ its, log });
    loops.push(hub.start(stop.signal).catch((e) => log.error(e)));
    await hub.ready();
    const engine = createEngine({
      wdsKubeconfig: wdsSpace.kubeconfig(),
      itsKubeconfig: itsSpace.kubeconfig(),
      wdsName: 'wds1',
      logger: log,
    });
    loops.push(engine.start(stop.signal).catch((e) => log.error(e)));
    for (const name of ['cluster1', 'cluster2']) {
      const wec = await EmbeddedWec.start({
        name,
        labels: { 'location-group': 'edge', name },
        dataDir: join(dir, name),
        itsKubeconfig: itsSpace.kubeconfig(),
        logger: log,
        simulate: { readyDelayMs: 0 },
      });
      wecs.push(wec);
      for (let t = Date.now(); ; await new Promise((r) => setTimeout(r, 50))) {
        try {
          await its.get(MANAGED_CLUSTER, name);
          break;
        } catch (e) {
          if (!isNotFound(e) || Date.now() - t > WAIT_MS) throw e;
        }
      }
      await acceptCluster(its, name);
      await wec.ready();
    }
    await engine.ready();
    const wecClients = wecs.map((w) => clientOf(w.kubeconfig()));
    clients.push(...wecClients);

    // Watches on the WEC spaces (what arrives) and on the WDS (status coming back).
    const watched = <T extends KObject>(c: DynamicClient, r: ResourceId, ns?: string) => {
      const w = new Watched<T>(c, r, ns);
      loops.push(w.informer.start(stop.signal));
      return w;
    };
    const wecCms = wecClients.map((c) => watched(c, CONFIG_MAP, NS));
    const wecDeps = wecClients.map((c) => watched(c, DEPLOYMENTS, NS));
    const wecCrds = wecClients.map((c) => watched(c, CUSTOM_RESOURCE_DEFINITION));
    const wecNamespaces = wecClients.map((c) => watched(c, NAMESPACE));
    // ManifestWorks in the ITS, to split each latency into engine (WDS -> ITS) and agent (ITS -> WEC).
    const works = watched(its, MANIFEST_WORK);
    const carriedBy = (name: string, cluster: string) =>
      works.informer.cache
        .list()
        .some(
          (w) =>
            w.metadata?.namespace === cluster &&
            (w.spec?.workload?.manifests ?? []).some((m: KObject) => m.metadata?.name === name),
        );
    for (const w of [...wecCms, ...wecDeps, ...wecCrds, ...wecNamespaces, works])
      await w.informer.waitForSync(stop.signal);

    // Setup: the namespace and the CRD go to both WECs with the policy that also sends the samples.
    await wds.create(NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS, labels: { bench: 'prop' } },
    });
    await wds.create(CUSTOM_RESOURCE_DEFINITION, probeCrd);
    await wds.create(
      BINDING_POLICY,
      policy(
        'bench-prop',
        [{ matchLabels: { 'location-group': 'edge' } }],
        [{ objectSelectors: [{ matchLabels: { bench: 'prop' } }] }],
      ),
    );
    const established = (crd: KObject | undefined) =>
      (crd?.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
      );
    await Promise.all([
      ...wecNamespaces.map((w) => w.until(() => !!w.get(NS, ''), 'namespace in the WECs')),
      ...wecCrds.map((w) =>
        w.until(() => established(w.get(probeCrd.metadata!.name!, '')), 'CRD in the WECs'),
      ),
    ]);

    /** Create-then-delete series: latency until in both WECs, then until gone from both. */
    const series = async (
      what: string,
      res: ResourceId,
      make: (name: string) => KObject,
      inWecs: Watched[],
    ): Promise<{ create: number[]; toIts: number[]; remove: number[] }> => {
      const create: number[] = [];
      const toIts: number[] = [];
      const remove: number[] = [];
      for (let i = 0; i < warmup + samples; i++) {
        const name = `${what}-${i}`;
        let t0 = performance.now();
        const written = works.until(
          () => carriedBy(name, 'cluster1') && carriedBy(name, 'cluster2'),
          `works of ${name} in the ITS`,
        );
        written.catch(() => undefined); // awaited below; a failure of the WEC wait comes first
        await wds.create(res, make(name), { namespace: NS });
        const arrived = Math.max(
          ...(await Promise.all(inWecs.map((w) => w.until(() => !!w.get(name), `${name} in the WECs`)))),
        );
        if (i >= warmup) {
          create.push(arrived - t0);
          toIts.push((await written) - t0);
        }
        t0 = performance.now();
        await wds.delete(res, name, { namespace: NS });
        const gone = Math.max(
          ...(await Promise.all(
            inWecs.map((w) => w.until(() => !w.get(name), `${name} gone from the WECs`)),
          )),
        );
        if (i >= warmup) remove.push(gone - t0);
      }
      return { create, toIts, remove };
    };
    const cms = await series('cm', CONFIG_MAP, configMap, wecCms);
    const deps = await series('dep', DEPLOYMENTS, deployment, wecDeps);

    // (b) Status return through a singleton-status policy to cluster1.
    const wdsProbes = watched<KObject>(wds, PROBES, NS);
    const wec1Probes = watched<KObject>(wecClients[0], PROBES, NS);
    await Promise.all([
      wdsProbes.informer.waitForSync(stop.signal),
      wec1Probes.informer.waitForSync(stop.signal),
    ]);
    await wds.create(
      BINDING_POLICY,
      policy(
        'bench-status',
        [{ matchLabels: { name: 'cluster1' } }],
        [{ objectSelectors: [{ matchLabels: { bench: 'status' } }], wantSingletonReportedState: true }],
      ),
    );
    await wds.create(
      PROBES,
      {
        apiVersion: 'bench.kstellar.io/v1',
        kind: 'Probe',
        metadata: { name: 'probe', namespace: NS, labels: { bench: 'status' } },
        spec: { x: 1 },
      },
      { namespace: NS },
    );
    await wec1Probes.until(() => !!wec1Probes.get('probe'), 'probe in cluster1');
    const statusLatency: number[] = [];
    for (let i = 0; i < warmup + samples; i++) {
      const t0 = performance.now();
      await wecClients[0].patch(
        PROBES,
        'probe',
        { status: { seq: i, phase: `step-${i}` } },
        { type: 'merge', namespace: NS, subresource: 'status' },
      );
      const t1 = await wdsProbes.until(
        () => wdsProbes.get('probe')?.status?.seq === i,
        `status ${i} in the WDS`,
      );
      if (i >= warmup) statusLatency.push(t1 - t0);
    }

    const result = {
      wecs: 2,
      warmup,
      configMapToBothWecs: stats(cms.create),
      deploymentToBothWecs: stats(deps.create),
      // The engine's part: until both ManifestWorks are in the ITS (the rest is the agents').
      configMapWorksInIts: stats(cms.toIts),
      deploymentWorksInIts: stats(deps.toIts),
      configMapDeletionFromBothWecs: stats(cms.remove),
      deploymentDeletionFromBothWecs: stats(deps.remove),
      statusWecToWds: stats(statusLatency),
      targets: { p99Ms: 250 },
    };
    const line = (s: ReturnType<typeof stats>) => `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`;
    process.stderr.write(
      `propagation: WDS -> both WECs: ConfigMap ${line(result.configMapToBothWecs)}; ` +
        `Deployment ${line(result.deploymentToBothWecs)} (target p99 < 250) ` +
        `[of which WDS -> ITS works: ConfigMap p50 ${result.configMapWorksInIts.p50Ms} ms, Deployment p50 ${result.deploymentWorksInIts.p50Ms} ms]; ` +
        `WEC -> WDS status ${line(result.statusWecToWds)} (target p99 < 250); ` +
        `deletion ConfigMap ${line(result.configMapDeletionFromBothWecs)}, Deployment ${line(result.deploymentDeletionFromBothWecs)}\n`,
    );
    return result;
  } finally {
    await Promise.allSettled(wecs.map((w) => w.close()));
    stop.abort();
    await Promise.allSettled(loops);
    for (const c of clients) c.rest.close();
    for (const s of spaces.reverse()) await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
