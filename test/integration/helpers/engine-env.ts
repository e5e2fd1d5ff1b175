/**
 * Two in-process spaces (WDS and ITS) with the engine running between them, for engine
 * integration tests, plus small helpers to wait for and read what the engine writes.
 */
import { Space } from '../../../src/space/space.js';
import { tempDir, removeDir } from '../../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString } from '../../../src/kube/index.js';
import { isNotFound } from '../../../src/kube/errors.js';
import type { ResourceId } from '../../../src/kube/dynamic.js';
import { MANAGED_CLUSTER, MANIFEST_WORK, NAMESPACE } from '../../../src/api/gvr.js';
import type { KObject } from '../../../src/api/meta.js';
import type { ManifestWork } from '../../../src/api/ocm.js';
import { createEngine } from '../../../src/engine/engine.js';

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

export interface EngineEnv {
  wds: DynamicClient;
  its: DynamicClient;
  wdsName: string;
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

/** Starts both spaces and the engine, and registers the given clusters (labels `name` and `location-group: edge`). */
export async function startEngineEnv(
  clusters: string[] = ['cluster1', 'cluster2'],
  wdsName = 'wds1',
): Promise<EngineEnv> {
  const dirs = [tempDir(), tempDir()];
  const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };
  const [wdsSpace, itsSpace] = await Promise.all([
    Space.start({ dataDir: dirs[0], name: wdsName, storage }),
    Space.start({ dataDir: dirs[1], name: 'its1', storage }),
  ]);
  const wds = DynamicClient.fromKubeConfig(kubeConfigFromString(wdsSpace.kubeconfig()));
  const its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
  const stop = new AbortController();
  const engine = createEngine({
    wdsKubeconfig: wdsSpace.kubeconfig(),
    itsKubeconfig: itsSpace.kubeconfig(),
    wdsName,
  });
  const running = engine.start(stop.signal);
  running.catch(() => undefined);
  await Promise.race([engine.ready(), running.then(() => Promise.reject(new Error('engine stopped early')))]);
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
      stop.abort();
      await running.catch(() => undefined);
      wds.rest.close();
      its.rest.close();
      await Promise.all([wdsSpace.close(), itsSpace.close()]);
      dirs.forEach(removeDir);
    },
  };
}
