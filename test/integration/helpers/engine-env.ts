/**
 * Two in-process spaces (WDS and ITS) with the engine running between them, for engine
 * integration tests, plus small helpers to wait for and read what the engine writes.
 */
import { Space } from '../../../src/space/space.js';
import { tempDir, removeDir } from '../../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString } from '../../../src/kube/index.js';
import { isNotFound } from '../../../src/kube/errors.js';
import type { ResourceId } from '../../../src/kube/dynamic.js';
import { BINDING_POLICY, MANAGED_CLUSTER, MANIFEST_WORK, NAMESPACE } from '../../../src/api/gvr.js';
import type { KObject } from '../../../src/api/meta.js';
import type { ManifestWork } from '../../../src/api/ocm.js';
import { createEngine, type EngineOptions } from '../../../src/engine/engine.js';

export const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };

/** Polls `fn` until it returns a truthy value; throws with the last error after `ms`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Engine settings a test may choose (the kubeconfigs and WDS name come from the env). */
export type EngineTuning = Omit<EngineOptions, 'wdsKubeconfig' | 'itsKubeconfig' | 'wdsName'>;

export interface EngineEnv {
  wds: DynamicClient;
  its: DynamicClient;
  wdsName: string;
  /** Kubeconfig texts of the two spaces. */
  wdsKubeconfig: string;
  itsKubeconfig: string;
  /** Stops the running engine (as on SIGTERM) and waits until it has stopped. */
  stopEngine(): Promise<void>;
  /** Starts a new engine on the same spaces (after stopEngine) and waits until it leads. */
  startEngine(tuning?: EngineTuning): Promise<void>;
  /** This WDS's ManifestWorks in one cluster namespace of the ITS. */
  works(ns: string): Promise<ManifestWork[]>;
  /** Whether a WDS object is gone (NotFound). */
  gone(res: ResourceId, name: string, namespace?: string): Promise<boolean>;
  close(): Promise<void>;
}

/** `Kind/name` of every manifest in the works, sorted. */
export const manifestsIn = (ws: ManifestWork[]): string[] =>
  ws
    .flatMap((w) => w.spec?.workload?.manifests ?? [])
    .map((m: KObject) => `${m.kind}/${m.metadata?.name}`)
    .sort();

/** The manifests of one kind/name in the works. */
export const manifestOf = (ws: ManifestWork[], kind: string, name: string): KObject | undefined =>
  ws
    .flatMap((w) => w.spec?.workload?.manifests ?? [])
    .find((m: KObject) => m.kind === kind && m.metadata?.name === name);

/**
 * Starts both spaces and the engine (with `tuning`, also the default of later `startEngine` calls),
 * and registers the given clusters (labels `name` and `location-group: edge`).
 */
export async function startEngineEnv(
  clusters: string[] = ['cluster1', 'cluster2'],
  wdsName = 'wds1',
  tuning: EngineTuning = {},
): Promise<EngineEnv> {
  const dirs = [tempDir(), tempDir()];
  const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };
  const [wdsSpace, itsSpace] = await Promise.all([
    Space.start({ dataDir: dirs[0], name: wdsName, storage }),
    Space.start({ dataDir: dirs[1], name: 'its1', storage }),
  ]);
  const wds = DynamicClient.fromKubeConfig(kubeConfigFromString(wdsSpace.kubeconfig()));
  const its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
  let running: { stop: AbortController; done: Promise<void> } | undefined;
  const startEngine = async (t: EngineTuning = tuning) => {
    if (running) throw new Error('the engine is already running');
    const stop = new AbortController();
    const engine = createEngine({
      ...t,
      wdsKubeconfig: wdsSpace.kubeconfig(),
      itsKubeconfig: itsSpace.kubeconfig(),
      wdsName,
    });
    const done = engine.start(stop.signal);
    done.catch(() => undefined);
    running = { stop, done };
    try {
      await Promise.race([
        engine.ready(),
        done.then(() => Promise.reject(new Error('engine stopped early'))),
      ]);
    } catch (e) {
      await stopEngine();
      throw e;
    }
  };
  const stopEngine = async () => {
    const r = running;
    running = undefined;
    r?.stop.abort();
    await r?.done.catch(() => undefined);
  };
  await startEngine();
  for (const name of clusters) {
    await its.create(NAMESPACE, { metadata: { name } });
    await its.create(MANAGED_CLUSTER, {
      apiVersion: 'cluster.open-cluster-management.io/v1',
      kind: 'ManagedCluster',
      metadata: { name, labels: { 'location-group': 'edge', name } },
      spec: { hubAcceptsClient: true },
    });
  }
  return {
    wds,
    its,
    wdsName,
    wdsKubeconfig: wdsSpace.kubeconfig(),
    itsKubeconfig: itsSpace.kubeconfig(),
    stopEngine,
    startEngine,
    works: async (ns) =>
      (
        await its.list<ManifestWork>(MANIFEST_WORK, {
          namespace: ns,
          labelSelector: `transport.kubestellar.io/originWdsName=${wdsName}`,
        })
      ).items,
    gone: async (res, name, namespace) => {
      try {
        await wds.get(res, name, namespace ? { namespace } : {});
        return false;
      } catch (e) {
        return isNotFound(e);
      }
    },
    close: async () => {
      await stopEngine();
      wds.rest.close();
      its.rest.close();
      await Promise.all([wdsSpace.close(), itsSpace.close()]);
      dirs.forEach(removeDir);
    },
  };
}

/** Creates a BindingPolicy. */
export const createPolicy = (wds: DynamicClient, name: string, spec: Record<string, unknown>) =>
  wds.create<KObject>(BINDING_POLICY, {
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'BindingPolicy',
    metadata: { name },
    spec,
  });

/** Merge-patches a BindingPolicy's spec. */
export const patchPolicy = (wds: DynamicClient, name: string, spec: Record<string, unknown>) =>
  wds.patch<KObject>(BINDING_POLICY, name, { spec }, { type: 'merge' });

/** The e2e fixture's Deployment helper D(name, labels) (kubestellar-semantics.md §6.0). */
export const createDeployment = (
  wds: DynamicClient,
  ns: string,
  name: string,
  labels: Record<string, string>,
  extra: { annotations?: Record<string, string> } = {},
) =>
  wds.create<KObject>(
    DEPLOYMENTS,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels, ...extra },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            containers: [
              {
                name,
                image: 'public.ecr.aws/nginx/nginx:latest',
                ports: [{ name: 'http', protocol: 'TCP', containerPort: 80 }],
              },
            ],
          },
        },
      },
    },
    { namespace: ns },
  );
