/**
 * A whole KubeStellar installation in this process, composed as the embedded provider's
 * supervisor composes it: an ITS space with the hub registration controller, a WDS space with
 * the engine between it and the ITS, and embedded WECs (space + agent + workload simulator)
 * that register and get accepted. Kubeconfig files are written for every space, one per space
 * and one merged file whose contexts are named after the spaces, so tests drive it with the
 * real kubectl (`--context wds1|its1|cluster1|cluster2`).
 */
import { setMaxListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { itsCrds } from '../../src/api/crds.js';
import { MANAGED_CLUSTER, NAMESPACE } from '../../src/api/gvr.js';
import { EmbeddedWec } from '../../src/agent/embedded-wec.js';
import { acceptCluster, createHubController } from '../../src/agent/hub/index.js';
import { ensureCrds } from '../../src/engine/controllers/crds.js';
import { createEngine } from '../../src/engine/engine.js';
import { DynamicClient } from '../../src/kube/dynamic.js';
import { isAlreadyExists, isNotFound } from '../../src/kube/errors.js';
import { kubeConfigFromString } from '../../src/kube/kubeconfig.js';
import { Space } from '../../src/space/space.js';
import { removeDir, tempDir } from '../../test/helpers/space-process.js';
import { eventually, Kubectl } from './kubectl.js';

export interface WecSpec {
  name: string;
  /** Extra ManagedCluster labels (always: `location-group=edge`, `name=<name>`). */
  labels?: Record<string, string>;
  /** Lease duration (s); the hub marks the cluster Unknown after 5 × this without renewal. */
  leaseDurationSeconds?: number;
}

export interface KubestellarEnvOptions {
  /** Default: cluster1 and cluster2. */
  wecs?: WecSpec[];
  /** Simulated workload rollout time in the WECs (default 0: ready at once). */
  simDelayMs?: number;
  /** How often the work agent re-reads status feedback (default the agent's). */
  statusSyncIntervalMs?: number;
  /** Pino level for every component (default `silent`; e.g. KSTELLAR_E2E_LOG=debug). */
  logLevel?: string;
}

export interface KubestellarEnv {
  /** Scratch directory holding data dirs and kubeconfig files (removed by close()). */
  readonly dir: string;
  /** Merged kubeconfig file with contexts `wds1`, `its1` and one per WEC (current: wds1). */
  readonly kubeconfig: string;
  /** One kubeconfig file per context name. */
  readonly kubeconfigs: Record<string, string>;
  /** Real kubectl on the merged kubeconfig. */
  readonly kubectl: Kubectl;
  readonly wds: DynamicClient;
  readonly its: DynamicClient;
  readonly wecs: Record<string, EmbeddedWec>;
  readonly wdsSpace: Space;
  readonly itsSpace: Space;
  /** A client of a WEC's space (closed by close()). */
  wec(name: string): DynamicClient;
  close(): Promise<void>;
}

export const WDS_NAME = 'wds1';
export const ITS_NAME = 'its1';
/** Namespace the customization reads WEC properties from, as the supervisor creates it. */
const CUSTOMIZATION_NAMESPACE = 'customization-properties';

const clientOf = (kubeconfig: string) => DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig));

/** Merges single-context kubeconfigs (names are distinct: the space names) into one. */
export function mergeKubeconfigs(texts: string[], current: string): string {
  const docs = texts.map((t) => parseYaml(t));
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: docs.flatMap((d) => d.clusters),
    users: docs.flatMap((d) => d.users),
    contexts: docs.flatMap((d) => d.contexts),
    'current-context': current,
    preferences: {},
  });
}

async function waitFor(what: string, ms: number, fn: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts ITS + hub controller, WDS + engine, and the WECs (registered and accepted). */
export async function startKubestellarEnv(o: KubestellarEnvOptions = {}): Promise<KubestellarEnv> {
  const specs = o.wecs ?? [{ name: 'cluster1' }, { name: 'cluster2' }];
  const log: Logger = pino({ level: o.logLevel ?? process.env.KSTELLAR_E2E_LOG ?? 'silent' });
  const dir = tempDir('kstellar-e2e-ks-');
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const background: Promise<unknown>[] = [];
  const clients: DynamicClient[] = [];
  const wecs: Record<string, EmbeddedWec> = {};
  const wecClients: Record<string, DynamicClient> = {};
  let itsSpace: Space | undefined;
  let wdsSpace: Space | undefined;

  const close = async () => {
    // WECs first (their agents talk to the ITS), then the engine and hub loops, then the spaces.
    await Promise.allSettled(Object.values(wecs).map((w) => w.close()));
    stop.abort();
    await Promise.allSettled(background);
    for (const c of [...clients, ...Object.values(wecClients)]) c.rest.close();
    await Promise.allSettled([wdsSpace?.close(), itsSpace?.close()]);
    removeDir(dir);
  };

  try {
    [itsSpace, wdsSpace] = await Promise.all([
      Space.start({ dataDir: join(dir, ITS_NAME), name: ITS_NAME, logger: log.child({ space: ITS_NAME }) }),
      Space.start({ dataDir: join(dir, WDS_NAME), name: WDS_NAME, logger: log.child({ space: WDS_NAME }) }),
    ]);
    const its = clientOf(itsSpace.kubeconfig());
    const wds = clientOf(wdsSpace.kubeconfig());
    clients.push(its, wds);

    // The ITS, as the supervisor sets it up: CRDs, the customization namespace, the hub controller.
    await ensureCrds(its, itsCrds(), log, stop.signal);
    try {
      await its.create(NAMESPACE, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: CUSTOMIZATION_NAMESPACE },
      });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    const hub = createHubController({ its, log: log.child({ its: ITS_NAME }) });
    const hubDone = hub.start(stop.signal);
    background.push(hubDone.catch(() => undefined));
    await Promise.race([
      hub.ready(),
      hubDone.then(() => Promise.reject(new Error('hub controller stopped early'))),
    ]);

    const engine = createEngine({
      wdsKubeconfig: wdsSpace.kubeconfig(),
      itsKubeconfig: itsSpace.kubeconfig(),
      wdsName: WDS_NAME,
      logger: log.child({ wds: WDS_NAME }),
    });
    const engineDone = engine.start(stop.signal);
    background.push(engineDone.catch(() => undefined));

    const itsKubeconfig = itsSpace.kubeconfig();
    await Promise.all(
      specs.map(async (s) => {
        wecs[s.name] = await EmbeddedWec.start({
          name: s.name,
          labels: { 'location-group': 'edge', name: s.name, ...s.labels },
          dataDir: join(dir, s.name),
          itsKubeconfig,
          logger: log,
          simulate: { readyDelayMs: o.simDelayMs ?? 0 },
          leaseDurationSeconds: s.leaseDurationSeconds,
          statusSyncIntervalMs: o.statusSyncIntervalMs,
        });
        // `register-wec`: wait for the agent's ManagedCluster, accept it (clusteradm accept).
        await waitFor(`ManagedCluster ${s.name}`, 30_000, () =>
          its.get(MANAGED_CLUSTER, s.name).then(
            () => true,
            (e) => (isNotFound(e) ? false : Promise.reject(e)),
          ),
        );
        await acceptCluster(its, s.name);
        await wecs[s.name].ready();
      }),
    );
    await Promise.race([
      engine.ready(),
      engineDone.then(() => Promise.reject(new Error('engine stopped early'))),
    ]);

    const kubeconfigs: Record<string, string> = {};
    const texts: Record<string, string> = {
      [WDS_NAME]: wdsSpace.kubeconfig(),
      [ITS_NAME]: itsSpace.kubeconfig(),
      ...Object.fromEntries(Object.values(wecs).map((w) => [w.name, w.kubeconfig()])),
    };
    for (const [name, text] of Object.entries(texts)) {
      kubeconfigs[name] = join(dir, `${name}.kubeconfig`);
      writeFileSync(kubeconfigs[name], text, { mode: 0o600 });
    }
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, mergeKubeconfigs(Object.values(texts), WDS_NAME), { mode: 0o600 });

    return {
      dir,
      kubeconfig,
      kubeconfigs,
      kubectl: new Kubectl(kubeconfig, join(dir, 'kubectl')),
      wds,
      its,
      wecs,
      wdsSpace,
      itsSpace,
      wec: (name) => (wecClients[name] ??= clientOf(wecs[name].kubeconfig())),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

// ---- objects and kubectl helpers for the scenarios (kubestellar-semantics.md §6) ----

export const NAME_LABEL = 'app.kubernetes.io/name';
export const WECS = ['cluster1', 'cluster2'] as const;
export const EDGE = [{ matchLabels: { 'location-group': 'edge' } }];
export const byName = (v: string) => [{ matchLabels: { [NAME_LABEL]: v } }];
export const cluster = (name: string) => [{ matchLabels: { name } }];

type Obj = Record<string, any>;

export const namespace = (name: string, labels: Record<string, string> = { [NAME_LABEL]: name }): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

/** The suite's helper D(name, labels) (§6.0), in namespace `ns`. */
export const deployment = (ns: string, name: string, labels: Record<string, string>, replicas = 1): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, labels },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: {
        containers: [
          {
            name,
            image: 'public.ecr.aws/nginx/nginx:latest',
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
          },
        ],
      },
    },
  },
});

/** The suite's helper BP(name, clusterSelectors, clauses). */
export const policy = (name: string, clusterSelectors: Obj[], downsync: Obj[]): Obj => ({
  apiVersion: 'control.kubestellar.io/v1alpha1',
  kind: 'BindingPolicy',
  metadata: { name },
  spec: { clusterSelectors, downsync },
});

export const yaml = (objs: Obj[]): string => objs.map((o) => toYaml(o)).join('---\n');

/** kubectl bound to one context. */
export function ctx(k: Kubectl, context: string) {
  const args = (a: string[]) => ['--context', context, ...a];
  return {
    ok: (...a: string[]) => k.ok(args(a)),
    run: (...a: string[]) => k.run(args(a)),
    json: <T = any>(...a: string[]) => k.json<T>(args(a)),
    apply: (...objs: Obj[]) => k.ok(args(['apply', '-f', '-']), { input: yaml(objs) }),
    create: (...objs: Obj[]) => k.ok(args(['create', '-f', '-']), { input: yaml(objs) }),
    /** Merge patch of one object. */
    patch: (what: string[], patch: Obj) =>
      k.ok(args(['patch', ...what, '--type=merge', '-p', JSON.stringify(patch)])),
    /** Sorted names of `resource` in namespace `ns` (empty when the namespace does not exist). */
    names: async (resource: string, ns?: string): Promise<string[]> => {
      const out = await k.ok(
        args([...(ns ? ['-n', ns] : []), 'get', resource, '-o', 'jsonpath={.items[*].metadata.name}']),
      );
      return out.split(/\s+/).filter(Boolean).sort();
    },
    /** `get -o json` of one object, or undefined when it does not exist. */
    get: async <T = any>(what: string[], ns?: string): Promise<T | undefined> => {
      const r = await k.run(args([...(ns ? ['-n', ns] : []), 'get', ...what, '-o', 'json']));
      if (r.exitCode === 0) return JSON.parse(r.stdout) as T;
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl get ${what.join(' ')}: ${r.stderr}`);
    },
  };
}
export type Ctx = ReturnType<typeof ctx>;

/**
 * Waits until, for every context in `want`, `kubectl get resource -n ns` lists exactly the given
 * names; the error names what was last seen.
 */
export async function expectNames(
  k: Kubectl,
  resource: string,
  ns: string,
  want: Record<string, string[]>,
  what: string,
  ms = 30_000,
): Promise<void> {
  let seen: Record<string, string[]> = {};
  try {
    await eventually(
      async () => {
        seen = {};
        for (const c of Object.keys(want)) seen[c] = await ctx(k, c).names(resource, ns);
        return Object.entries(want).every(
          ([c, names]) => JSON.stringify(seen[c]) === JSON.stringify([...names].sort()),
        );
      },
      ms,
      what,
    );
  } catch (e) {
    throw new Error(
      `${(e as Error).message}; last seen ${JSON.stringify(seen)}, wanted ${JSON.stringify(want)}`,
    );
  }
}

/** `want` for every WEC. */
export const everyWec = (names: string[]): Record<string, string[]> =>
  Object.fromEntries(WECS.map((w) => [w, names]));
