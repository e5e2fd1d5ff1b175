/**
 * The daemon's supervisor: makes the ControlPlanes and EmbeddedClusters of the hosting space run.
 * An ITS is a space with OCM's hub APIs and our hub registration controller; a WDS is a space with
 * the engine between it and its ITS; an EmbeddedCluster is a WEC space with the agent. Each
 * instance keeps its port across restarts (kubeconfigs merged into users' files stay valid), its
 * kubeconfig is published as a Secret, and Ready in the status says when it can be used.
 */
import { rmSync } from 'node:fs';
import type { Logger } from 'pino';

import { MANAGED_CLUSTER } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import { createEngine } from '../../engine/engine.js';
import { Controller } from '../../engine/runtime/controller.js';
import { Informer } from '../../engine/runtime/informer.js';
import { acceptCluster, createHubController } from '../../agent/hub/index.js';
import { EmbeddedWec } from '../../agent/embedded-wec.js';
import { createAgent } from '../../agent/runtime/agent.js';
import { DynamicClient } from '../../kube/dynamic.js';
import { ensureNamespace } from '../../kube/namespaces.js';
import { isNotFound } from '../../kube/errors.js';
import { kubeConfigFromString } from '../../kube/kubeconfig.js';
import { Space } from '../../space/space.js';
import {
  CONTROL_PLANE,
  CP_TYPE_LABEL,
  EMBEDDED_CLUSTER,
  HOSTING_NAMESPACE,
  SECRET,
  kubeconfigSecretName,
  spokeSecretName,
  withCondition,
  type Condition,
  type ControlPlane,
  type EmbeddedCluster,
  type InstanceStatus,
} from './hosting-api.js';
import type { Layout } from './layout.js';

/** Namespace KubeStellar's customization reads WEC properties from (created in every ITS). */
export const CUSTOMIZATION_NAMESPACE = 'customization-properties';

interface Running {
  kind: 'its' | 'wds' | 'wec';
  /** Aborts the instance's background loops (engine, hub controller). */
  stop: AbortController;
  /** Absent for an existing cluster the daemon only runs the agent for. */
  space?: Space;
  wec?: EmbeddedWec;
  /** For an existing cluster: its agent's readiness. */
  agentReady?: () => Promise<void>;
  /** For a WDS: the ITS it was started against. */
  its?: string;
  ready: boolean;
  done: Promise<unknown>[];
}

export interface SupervisorOptions {
  hosting: DynamicClient;
  layout: Layout;
  log: Logger;
  /** Leader-election identity prefix for engines: stable, so a restarted daemon re-takes its leases at once. */
  identity: string;
  /** Simulated workload delay in embedded WECs (ms). */
  simDelayMs?: number;
}

const client = (kubeconfig: string) => DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig));

export class Supervisor {
  readonly controller: Controller;
  readonly controlPlanes: Informer<ControlPlane>;
  readonly clusters: Informer<EmbeddedCluster>;
  private readonly running = new Map<string, Running>();
  private resetDone!: () => void;
  /** Resolves once the caches have synced and statuses of the previous run were reset. */
  readonly started = new Promise<void>((r) => (this.resetDone = r));

  constructor(private readonly o: SupervisorOptions) {
    this.controller = new Controller({
      name: 'supervisor',
      log: o.log,
      concurrency: 4,
      needLeaderElection: false,
      reconcile: (key, ctx) => this.reconcile(key, ctx.signal),
    });
    this.controlPlanes = new Informer<ControlPlane>({
      client: o.hosting,
      resource: CONTROL_PLANE,
      log: o.log,
    });
    this.clusters = new Informer<EmbeddedCluster>({
      client: o.hosting,
      resource: EMBEDDED_CLUSTER,
      log: o.log,
    });
    const on = (prefix: string) => (obj: KObject) =>
      this.controller.enqueue(`${prefix}/${obj.metadata?.name}`);
    this.controlPlanes.addEventHandler({
      onAdd: on('cp'),
      onUpdate: (_o, n) => on('cp')(n),
      onDelete: (cp) => {
        on('cp')(cp);
        // WDSes and WECs of a removed ITS must stop too.
        for (const w of this.controlPlanes.cache.list()) if (w.spec?.its === cp.metadata?.name) on('cp')(w);
        for (const c of this.clusters.cache.list()) if (c.spec?.its === cp.metadata?.name) on('ec')(c);
      },
    });
    this.clusters.addEventHandler({ onAdd: on('ec'), onUpdate: (_o, n) => on('ec')(n), onDelete: on('ec') });
  }

  async start(signal: AbortSignal): Promise<void> {
    const informers = [this.controlPlanes.start(signal), this.clusters.start(signal)];
    try {
      // Ready from a previous run says nothing about this one: reset it so waiters see the resume.
      if (await this.waitForSync(signal)) {
        const starting: Condition = {
          type: 'Ready',
          status: 'False',
          reason: 'Starting',
          message: 'starting',
        };
        await Promise.all([
          ...this.controlPlanes.cache.list().map((cp) => this.setStatus(CONTROL_PLANE, cp, starting)),
          ...this.clusters.cache.list().map((ec) => this.setStatus(EMBEDDED_CLUSTER, ec, starting)),
        ]);
        this.resetDone();
      }
      await this.controller.start(signal);
    } finally {
      await Promise.allSettled(informers);
      await this.stopAll();
    }
  }

  async waitForSync(signal: AbortSignal): Promise<boolean> {
    return (await this.controlPlanes.waitForSync(signal)) && (await this.clusters.waitForSync(signal));
  }

  /** Stops every instance: WECs first (their agents talk to ITSes), then WDSes, then ITSes. */
  async stopAll(): Promise<void> {
    for (const kind of ['wec', 'wds', 'its'] as const)
      await Promise.allSettled(
        [...this.running.entries()].filter(([, r]) => r.kind === kind).map(([key]) => this.stopInstance(key)),
      );
  }

  private async stopInstance(key: string): Promise<void> {
    const r = this.running.get(key);
    if (!r) return;
    this.running.delete(key);
    r.stop.abort();
    await Promise.allSettled(r.done);
    if (r.wec) await r.wec.close();
    else await r.space?.close();
  }

  private async reconcile(key: string, signal: AbortSignal): Promise<{ requeueAfterMs?: number } | void> {
    const [prefix, name] = key.split('/');
    if (prefix === 'cp') {
      const cp = this.controlPlanes.cache.get(name);
      if (!cp || cp.metadata?.deletionTimestamp) return this.remove(key, this.o.layout.spaceDir(name), name);
      return cp.metadata?.labels?.[CP_TYPE_LABEL] === 'wds'
        ? this.ensureWds(cp, key, signal)
        : this.ensureIts(cp, key);
    }
    const ec = this.clusters.cache.get(name);
    if (!ec || ec.metadata?.deletionTimestamp) return this.remove(key, this.o.layout.wecDir(name), name);
    return this.ensureWec(ec, key, signal);
  }

  private async remove(key: string, dir: string, name: string): Promise<void> {
    if (!this.running.has(key) && !this.o.hosting) return;
    await this.stopInstance(key);
    rmSync(dir, { recursive: true, force: true });
    for (const secret of [kubeconfigSecretName(name), spokeSecretName(name)])
      try {
        await this.o.hosting.delete(SECRET, secret, { namespace: HOSTING_NAMESPACE });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
  }

  /** Starts a space on the port of its previous run when that is free. */
  private startSpace(name: string, dir: string): Promise<Space> {
    return Space.start({ dataDir: dir, name, keepPort: true, logger: this.o.log.child({ space: name }) });
  }

  private async ensureIts(cp: ControlPlane, key: string): Promise<void> {
    const name = cp.metadata!.name!;
    let r = this.running.get(key);
    if (!r) {
      const space = await this.startSpace(name, this.o.layout.spaceDir(name));
      const its = client(space.kubeconfig());
      const stop = new AbortController();
      r = { kind: 'its', stop, space, ready: false, done: [] };
      // The hub controller installs the ITS CRDs itself.
      try {
        await ensureNamespace(its, CUSTOMIZATION_NAMESPACE);
      } catch (e) {
        await space.close();
        throw e;
      }
      this.running.set(key, r);
      const hub = createHubController({ its, log: this.o.log.child({ its: name }) });
      r.done.push(keepRunning(`hub controller of ${name}`, (s) => hub.start(s), stop.signal, this.o.log));
      await hub.ready();
      r.ready = true;
      // Spaces that deliver through this ITS may have been waiting for it.
      for (const w of this.controlPlanes.cache.list())
        if (w.spec?.its === name) this.controller.enqueue(`cp/${w.metadata?.name}`);
      for (const c of this.clusters.cache.list())
        if (c.spec?.its === name) this.controller.enqueue(`ec/${c.metadata?.name}`);
    }
    await this.publish(CONTROL_PLANE, cp, r.space!, { type: 'Ready', status: 'True', reason: 'Running' });
  }

  private async ensureWds(
    cp: ControlPlane,
    key: string,
    signal: AbortSignal,
  ): Promise<{ requeueAfterMs?: number } | void> {
    const name = cp.metadata!.name!;
    const itsName = cp.spec?.its ?? '';
    const its = this.running.get(`cp/${itsName}`);
    let r = this.running.get(key);
    if (r && r.its !== itsName) {
      await this.stopInstance(key);
      r = undefined;
    }
    if (!its?.ready) return this.waitForIts(CONTROL_PLANE, cp, key, itsName);
    if (!r) {
      const space = await this.startSpace(name, this.o.layout.spaceDir(name));
      const stop = new AbortController();
      r = { kind: 'wds', stop, space, its: itsName, ready: false, done: [] };
      this.running.set(key, r);
      const engineOf = () =>
        createEngine({
          wdsKubeconfig: space.kubeconfig(),
          itsKubeconfig: its.space!.kubeconfig(),
          wdsName: name,
          identity: `${this.o.identity}-${name}`,
          logger: this.o.log.child({ wds: name }),
        });
      let engineReady!: () => void;
      const ready = new Promise<void>((resolve) => (engineReady = resolve));
      r.done.push(
        keepRunning(
          `engine of ${name}`,
          (s) => {
            const engine = engineOf();
            void engine.ready().then(engineReady);
            return engine.start(s);
          },
          stop.signal,
          this.o.log,
        ),
      );
      await ready;
      r.ready = true;
    }
    if (signal.aborted || !r.ready) return;
    await this.publish(CONTROL_PLANE, cp, r.space!, { type: 'Ready', status: 'True', reason: 'Running' });
  }

  private async ensureWec(ec: EmbeddedCluster, key: string, signal: AbortSignal): Promise<void> {
    const name = ec.metadata!.name!;
    const its = this.running.get(`cp/${ec.spec.its}`);
    let r = this.running.get(key);
    if (!its?.ready) return this.waitForIts(EMBEDDED_CLUSTER, ec, key, ec.spec.its);
    const itsKubeconfig = its.space!.kubeconfig();
    if (!r && ec.spec.kubeconfigSecret) r = await this.startExternalAgent(ec, key, itsKubeconfig);
    if (!r) {
      const wec = await EmbeddedWec.start({
        name,
        labels: ec.spec.labels ?? {},
        dataDir: this.o.layout.wecDir(name),
        itsKubeconfig,
        logger: this.o.log.child({ wec: name }),
        simulate: { readyDelayMs: this.o.simDelayMs ?? 200 },
      });
      r = { kind: 'wec', stop: new AbortController(), space: wec.space, wec, ready: false, done: [] };
      this.running.set(key, r);
    }
    if (!r.ready) {
      // `register-wec` means join and accept, as `clusteradm join` + `clusteradm accept` do.
      const itsClient = client(itsKubeconfig);
      await waitFor(() => exists(itsClient, MANAGED_CLUSTER, name), signal, 30_000);
      await acceptCluster(itsClient, name);
      await (r.wec ? r.wec.ready() : r.agentReady!());
      r.ready = true;
    }
    if (signal.aborted) return;
    const joined: Condition = { type: 'Ready', status: 'True', reason: 'Joined' };
    if (r.space) await this.publish(EMBEDDED_CLUSTER, ec, r.space, joined);
    else await this.setStatus(EMBEDDED_CLUSTER, ec, joined);
  }

  /** Runs only the agent (no simulator: real controllers run there) for an existing cluster. */
  private async startExternalAgent(
    ec: EmbeddedCluster,
    key: string,
    itsKubeconfig: string,
  ): Promise<Running> {
    const name = ec.metadata!.name!;
    const secret = await this.o.hosting.get<KObject>(SECRET, ec.spec.kubeconfigSecret!, {
      namespace: HOSTING_NAMESPACE,
    });
    const text = (k: string) =>
      secret.data?.[k] ? Buffer.from(secret.data[k], 'base64').toString('utf8') : undefined;
    const agent = createAgent({
      clusterName: name,
      labels: ec.spec.labels ?? {},
      hubKubeconfig: itsKubeconfig,
      spokeKubeconfig: text('kubeconfig')!,
      spokeContext: text('context'),
      log: this.o.log.child({ wec: name }),
    });
    const stop = new AbortController();
    const r: Running = {
      kind: 'wec',
      stop,
      ready: false,
      done: [keepRunning(`agent of ${name}`, (s) => agent.start(s), stop.signal, this.o.log)],
      agentReady: () => agent.ready(),
    };
    this.running.set(key, r);
    return r;
  }

  /** An instance whose ITS is not running stops (if it ran) and says so; the ITS's start requeues it. */
  private async waitForIts(
    res: typeof CONTROL_PLANE,
    obj: KObject & { status?: InstanceStatus },
    key: string,
    itsName: string,
  ): Promise<void> {
    await this.stopInstance(key);
    await this.setStatus(res, obj, {
      type: 'Ready',
      status: 'False',
      reason: 'WaitingForITS',
      message: `ITS "${itsName}" is not running`,
    });
  }

  /** Writes the kubeconfig Secret and the status (url, port, secretRef, Ready) when they differ. */
  private async publish(
    res: typeof CONTROL_PLANE,
    obj: KObject & { status?: InstanceStatus },
    space: Space,
    ready: Condition,
  ): Promise<void> {
    const name = obj.metadata!.name!;
    const secretName = kubeconfigSecretName(name);
    const kubeconfig = space.kubeconfig();
    const data = { kubeconfig: Buffer.from(kubeconfig).toString('base64') };
    try {
      const s = await this.o.hosting.get<KObject>(SECRET, secretName, { namespace: HOSTING_NAMESPACE });
      if (s.data?.kubeconfig !== data.kubeconfig)
        await this.o.hosting.update(SECRET, { ...s, data }, { namespace: HOSTING_NAMESPACE });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.o.hosting.create(
        SECRET,
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secretName, namespace: HOSTING_NAMESPACE },
          type: 'Opaque',
          data,
        },
        { namespace: HOSTING_NAMESPACE },
      );
    }
    await this.setStatus(res, obj, ready, {
      url: space.url,
      port: Number(new URL(space.url).port),
      secretRef: { name: secretName, namespace: HOSTING_NAMESPACE, key: 'kubeconfig' },
    });
  }

  private async setStatus(
    res: typeof CONTROL_PLANE,
    obj: KObject & { status?: InstanceStatus },
    cond: Condition,
    extra: Partial<InstanceStatus> = {},
  ): Promise<void> {
    const old = obj.status ?? {};
    const status: InstanceStatus = {
      ...old,
      ...extra,
      observedGeneration: obj.metadata?.generation,
      conditions: withCondition(old.conditions, cond),
    };
    if (JSON.stringify(status) === JSON.stringify(old)) return;
    await this.o.hosting.patch(
      res,
      obj.metadata!.name!,
      { status },
      { type: 'merge', subresource: 'status' },
    );
  }
}

async function exists(c: DynamicClient, res: typeof MANAGED_CLUSTER, name: string): Promise<boolean> {
  try {
    await c.get(res, name);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

async function waitFor(fn: () => Promise<boolean>, signal: AbortSignal, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!signal.aborted) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `run` until `signal` aborts, restarting it (after a pause) when it fails. */
async function keepRunning(
  what: string,
  run: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await run(signal);
    } catch (err) {
      if (signal.aborted) return;
      log.error({ err }, `${what} failed; restarting`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
