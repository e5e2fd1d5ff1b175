/**
 * The work agent (OCM klusterlet work controller, provisioning.md §2.2–§2.5): watches the
 * ManifestWorks of one cluster namespace in the hub (ITS), applies their manifests to the WEC with
 * the configured update strategy, keeps an AppliedManifestWork per work (owner of what it applied,
 * record of `appliedResources`), removes what a work drops or what a deleted work leaves behind
 * (honouring deleteOption), and writes the work's status (conditions, per-manifest conditions and
 * status feedback) back to the hub.
 *
 * Every decision is made by the pure modules of `manifestwork/`; this file only reads caches and
 * performs writes. Passes are level-based and idempotent: when nothing changed, a pass writes
 * nothing to either side.
 *
 * Two kinds of pass share one queue keyed by work name:
 * - full: add the finalizer, apply, remove dropped objects, record appliedResources, write status;
 *   triggered by work changes, changes of the WEC objects' desired parts, discovery changes and
 *   retries;
 * - status: re-read the objects from the WEC caches and rewrite status/feedback if it changed;
 *   triggered every `statusSyncIntervalMs` and when a WEC object's status changes.
 */
import type { Logger } from 'pino';
import { APPLIED_MANIFEST_WORK, MANIFEST_WORK, NAMESPACE } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import type {
  AppliedManifestResourceMeta,
  AppliedManifestWork,
  AppliedManifestWorkStatus,
  DeleteOption,
  ManifestWork,
  ManifestWorkStatus,
} from '../../api/ocm.js';
import { gvrKey, type ResourceChange } from '../../kube/discovery.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { isAlreadyExists, isNotFound } from '../../kube/errors.js';
import { Controller, type ReconcileContext, type Result } from '../../engine/runtime/controller.js';
import { Informer } from '../../engine/runtime/informer.js';
import { uncapped } from '../../engine/controllers/uncapped.js';
import { jsonEqual } from '../common/json.js';
import { waitMessage, type AppliedWorkRef } from '../manifestwork/apply.js';
import {
  appliedResourcesOf,
  appliedWorkName,
  buildAppliedManifestWork,
  hubHash,
  nextAppliedWorkStatus,
} from '../manifestwork/applied.js';
import { APPLIED_MANIFEST_WORK_FINALIZER, MANIFEST_WORK_FINALIZER } from '../manifestwork/constants.js';
import { planWork, planWorkDeletion, type WorkPlan } from '../manifestwork/plan.js';
import { buildManifestWorkStatus, generationApplied, type ManifestOutcome } from '../manifestwork/status.js';
import { applyManifest, errorText, removeApplied, resourceIdOf, type WorkIo } from './work-apply.js';
import { WriteOverlay } from './work-overlay.js';
import { WorkRestMapper } from './work-rest-mapper.js';
import { SpokeObjects, objectId, type SpokeEvent } from './work-spoke-objects.js';

export interface WorkAgentOptions {
  /** The ManagedCluster name == namespace of its ManifestWorks in the hub (ITS). */
  clusterName: string;
  /** ITS. */
  hub: DynamicClient;
  /** The WEC. */
  spoke: DynamicClient;
  log: Logger;
  /** For the AppliedManifestWork hub hash (default: the server URL of the hub client's kubeconfig). */
  hubServerUrl?: string;
  /** How often status feedback/conditions are re-read from the WEC (default 1000 ms). */
  statusSyncIntervalMs?: number;
}

export interface WorkAgent {
  /** Runs until `signal` aborts, then resolves. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once the hub's works, the WEC's AppliedManifestWorks and discovery are synced. */
  ready(): Promise<void>;
}

/** The hub API server URL exactly as the hub kubeconfig writes it (what OCM hashes). */
export function hubServerUrlOf(hub: DynamicClient): string {
  return hub.rest.kubeConfig.getCurrentCluster()?.server ?? hub.rest.server.href;
}

export function createWorkAgent(o: WorkAgentOptions): WorkAgent {
  const agent = new WorkAgentRuntime(o);
  return { start: (signal) => agent.start(signal), ready: () => agent.ready() };
}

type Mode = 'full' | 'status';
type PassOutcome = 'done' | 'retry';

/** Retries of full passes: 200 ms doubling to 5 s (a hub or WEC outage is retried at that pace). */
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5_000;

/** Everything but status and bookkeeping metadata: a change here may need a write. */
function desiredPart(o: KObject): unknown {
  const { status: _s, metadata, ...rest } = o;
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata ?? {};
  return { ...rest, metadata: meta };
}

const onlyStatusChanged = (a: KObject, b: KObject) => jsonEqual(desiredPart(a), desiredPart(b));

/** A work change that needs a full pass (anything but its status, which we write ourselves). */
const workChanged = (a: ManifestWork, b: ManifestWork) =>
  a.metadata.generation !== b.metadata.generation ||
  a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp ||
  !jsonEqual(a.metadata.finalizers ?? [], b.metadata.finalizers ?? []) ||
  !jsonEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {}) ||
  a.metadata.uid !== b.metadata.uid;

const hasFinalizer = (o: KObject, f: string) => (o.metadata?.finalizers ?? []).includes(f);

class WorkAgentRuntime {
  private readonly log: Logger;
  private readonly ns: string;
  private readonly hash: string;
  private readonly prefix: string;
  private readonly works: Informer<ManifestWork>;
  private readonly workOverlay = new WriteOverlay<ManifestWork>();
  private readonly objects: SpokeObjects;
  private readonly mapper: WorkRestMapper;
  private readonly controller: Controller;
  /** The pass each queued work needs ('full' wins over 'status'). */
  private readonly modes = new Map<string, Mode>();
  /** Works whose last full pass must be retried, and when. */
  private readonly retries = new Map<string, { failures: number; nextAt: number }>();
  /** Ordinals applied (with a forced write) at the work's current generation. */
  private readonly appliedGen = new Map<string, { uid: string; generation: number; ordinals: Set<number> }>();
  /** Server-side apply conflicts, not retried until the work or the object changes. */
  private readonly conflicts = new Map<string, { generation: number; rv: string; message: string }>();
  private readonly waitingForKinds = new Set<string>();
  /** WEC objects (objectId) each work cares about, and the reverse. */
  private readonly byWork = new Map<string, Set<string>>();
  private readonly byObject = new Map<string, Set<string>>();
  private readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.readyResolve = r));

  constructor(private readonly o: WorkAgentOptions) {
    this.ns = o.clusterName;
    this.log = o.log.child({ component: 'work-agent', cluster: o.clusterName });
    this.hash = hubHash(o.hubServerUrl ?? hubServerUrlOf(o.hub));
    this.prefix = `${this.hash}-`;
    this.works = new Informer<ManifestWork>({
      client: o.hub,
      resource: MANIFEST_WORK,
      namespace: o.clusterName,
      log: this.log,
    });
    this.works.addEventHandler({
      onAdd: (w) => this.request(w.metadata.name!, 'full'),
      onUpdate: (old, w) => {
        this.workOverlay.seen(w.metadata.name!, w);
        this.request(w.metadata.name!, workChanged(old, w) ? 'full' : 'status');
      },
      onDelete: (w) => {
        this.workOverlay.forget(w.metadata.name!);
        this.request(w.metadata.name!, 'full');
      },
    });
    this.objects = new SpokeObjects({ client: o.spoke, log: this.log, onEvent: (e) => this.onSpokeEvent(e) });
    // Always needed: AppliedManifestWorks, and namespaces for "can this manifest be created yet".
    this.objects.informer(APPLIED_MANIFEST_WORK);
    this.objects.informer(NAMESPACE);
    this.mapper = new WorkRestMapper({ client: o.spoke, log: this.log });
    this.controller = new Controller({
      name: 'work-agent',
      reconcile: (key, ctx) => this.reconcile(key, ctx),
      concurrency: 4,
      log: this.log,
      needLeaderElection: false,
    });
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  async start(outer: AbortSignal): Promise<void> {
    const { signal, release } = uncapped(outer);
    const aborted = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    const runs: Promise<unknown>[] = [
      this.works.start(signal),
      this.objects.start(signal),
      this.mapper
        .run(signal, (c) => this.kindsChanged(c))
        .catch((err) => this.log.error({ err }, 'discovery stopped')),
    ];
    let timer: NodeJS.Timeout | undefined;
    try {
      const synced = await Promise.all([
        this.works.waitForSync(signal),
        this.objects.informers.waitForSync(signal),
        Promise.race([this.mapper.synced().then(() => true), aborted.then(() => false)]),
      ]);
      if (signal.aborted || !synced.every(Boolean)) return;
      // AppliedManifestWorks whose ManifestWork is gone (deleted while we were away): the synced
      // cache is authoritative, so their passes clean them up.
      for (const amw of this.objects.informer(APPLIED_MANIFEST_WORK).cache.list())
        if (amw.metadata?.name?.startsWith(this.prefix)) this.request(this.workNameOf(amw), 'full');
      this.log.info({ hubHash: this.hash }, 'work agent synced');
      this.readyResolve();
      timer = setInterval(() => this.resyncStatus(), this.o.statusSyncIntervalMs ?? 1000);
      await this.controller.start(signal);
    } finally {
      clearInterval(timer);
      await Promise.all(runs);
      release();
    }
  }

  // ---- triggers ----

  private request(name: string, mode: Mode): void {
    if (!name) return;
    if (mode === 'full' || !this.modes.has(name)) this.modes.set(name, mode);
    this.controller.enqueue(name);
  }

  private resyncStatus(): void {
    for (const w of this.works.cache.list()) {
      const name = w.metadata.name!;
      if (!this.retries.has(name)) this.request(name, 'status');
    }
  }

  private workNameOf(amw: KObject): string {
    return (
      (amw.spec?.manifestWorkName as string | undefined) ||
      (amw.metadata?.name ?? '').slice(this.prefix.length)
    );
  }

  private onSpokeEvent(e: SpokeEvent): void {
    if (gvrKey(e.resource) === gvrKey(APPLIED_MANIFEST_WORK)) {
      if (e.obj.metadata?.name?.startsWith(this.prefix)) this.request(this.workNameOf(e.obj), 'full');
      return;
    }
    const works = this.byObject.get(
      objectId(e.resource, e.obj.metadata?.namespace ?? '', e.obj.metadata?.name ?? ''),
    );
    if (!works?.size) return;
    const mode: Mode = e.type === 'update' && e.old && onlyStatusChanged(e.old, e.obj) ? 'status' : 'full';
    for (const w of works) this.request(w, mode);
  }

  private kindsChanged(c: ResourceChange): void {
    for (const r of c.removed) void this.objects.informers.remove(r);
    if (c.removed.length) for (const w of this.works.cache.list()) this.request(w.metadata.name!, 'full');
    else if (c.added.length || c.changed.length)
      for (const w of this.waitingForKinds) this.request(w, 'full');
  }

  private track(work: string, ids: Iterable<string>): void {
    this.untrack(work);
    const set = new Set(ids);
    this.byWork.set(work, set);
    for (const id of set) {
      let s = this.byObject.get(id);
      if (!s) this.byObject.set(id, (s = new Set()));
      s.add(work);
    }
  }

  private untrack(work: string): void {
    for (const id of this.byWork.get(work) ?? []) {
      const s = this.byObject.get(id);
      s?.delete(work);
      if (s && !s.size) this.byObject.delete(id);
    }
    this.byWork.delete(work);
  }

  private forgetWork(name: string): void {
    this.untrack(name);
    this.appliedGen.delete(name);
    this.waitingForKinds.delete(name);
    for (const k of this.conflicts.keys()) if (k.startsWith(`${name}/`)) this.conflicts.delete(k);
  }

  // ---- the pass ----

  private async reconcile(name: string, ctx: ReconcileContext): Promise<Result | void> {
    let mode = this.modes.get(name) ?? 'full';
    this.modes.delete(name);
    const retry = this.retries.get(name);
    if (mode === 'status' && retry && Date.now() >= retry.nextAt) mode = 'full';
    let outcome: PassOutcome;
    try {
      outcome = await this.pass(name, mode, ctx);
    } catch (err) {
      if (ctx.signal.aborted) return;
      (retry && retry.failures >= 3 ? ctx.log.warn : ctx.log.debug).call(
        ctx.log,
        { err: errorText(err) },
        'work pass failed; will retry',
      );
      outcome = 'retry';
    }
    if (outcome === 'retry') {
      const failures = (retry?.failures ?? 0) + 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (failures - 1));
      this.retries.set(name, { failures, nextAt: Date.now() + delay });
      return { requeueAfterMs: delay };
    }
    if (mode === 'full') this.retries.delete(name);
    else if (retry) return { requeueAfterMs: Math.max(1, retry.nextAt - Date.now()) };
  }

  private currentWork(name: string): ManifestWork | undefined {
    return this.workOverlay.pick(name, this.works.cache.getByName(name, this.ns));
  }

  private async pass(name: string, mode: Mode, ctx: ReconcileContext): Promise<PassOutcome> {
    const work = this.currentWork(name);
    const amw = this.objects.get(APPLIED_MANIFEST_WORK, '', appliedWorkName(this.hash, name)) as
      AppliedManifestWork | undefined;
    const io: WorkIo = { spoke: this.o.spoke, objects: this.objects, signal: ctx.signal };
    if (!work || work.metadata.deletionTimestamp) return this.cleanUp(name, work, amw, io);
    if (
      mode === 'status' &&
      amw &&
      !amw.metadata.deletionTimestamp &&
      hasFinalizer(work, MANIFEST_WORK_FINALIZER)
    ) {
      await this.syncStatus(work, amw, io);
      return 'done';
    }
    return this.applyWork(work, amw, io, ctx.log);
  }

  /** The work is deleted (or gone from the hub): remove what it applied, then release it. */
  private async cleanUp(
    name: string,
    work: ManifestWork | undefined,
    amw: AppliedManifestWork | undefined,
    io: WorkIo,
  ): Promise<PassOutcome> {
    if (amw && !(await this.removeAppliedWork(name, amw, work?.spec?.deleteOption, io))) return 'retry';
    if (work && hasFinalizer(work, MANIFEST_WORK_FINALIZER)) {
      const finalizers = (work.metadata.finalizers ?? []).filter((f) => f !== MANIFEST_WORK_FINALIZER);
      try {
        const out = await this.o.hub.patch<ManifestWork>(
          MANIFEST_WORK,
          name,
          { metadata: { finalizers, resourceVersion: work.metadata.resourceVersion } },
          { type: 'merge', namespace: this.ns, signal: io.signal },
        );
        this.workOverlay.note(name, out);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      this.log.info({ work: name }, 'work cleaned up');
    }
    this.forgetWork(name);
    return 'done';
  }

  /**
   * Deletes (or disowns, per deleteOption) everything the AppliedManifestWork records, then the
   * AppliedManifestWork itself (whose deletion lets the garbage collector take anything it owns
   * that was never recorded). False while objects are still going away.
   */
  private async removeAppliedWork(
    name: string,
    amw: AppliedManifestWork,
    deleteOption: DeleteOption | undefined,
    io: WorkIo,
  ): Promise<boolean> {
    const owner: AppliedWorkRef = { name: amw.metadata.name!, uid: amw.metadata.uid! };
    const pending: AppliedManifestResourceMeta[] = [];
    for (const step of planWorkDeletion(amw.status?.appliedResources, deleteOption)) {
      const r = step.resource;
      const info = this.mapper.resourceInfo(r.group ?? '', r.version, r.resource);
      if ((await removeApplied(io, step, owner, info)) === 'pending') pending.push(r);
    }
    this.track(
      name,
      pending.map((r) => this.appliedId(r)),
    );
    if (pending.length) {
      const next = nextAppliedWorkStatus(amw.status, [], pending);
      if (next.changed) await this.writeAppliedStatus(amw, next.status, io);
      return false;
    }
    const amwName = amw.metadata.name!;
    try {
      if (hasFinalizer(amw, APPLIED_MANIFEST_WORK_FINALIZER))
        await this.o.spoke.patch(
          APPLIED_MANIFEST_WORK,
          amwName,
          {
            metadata: {
              finalizers: (amw.metadata.finalizers ?? []).filter(
                (f) => f !== APPLIED_MANIFEST_WORK_FINALIZER,
              ),
              resourceVersion: amw.metadata.resourceVersion,
            },
          },
          { type: 'merge', signal: io.signal },
        );
      if (!amw.metadata.deletionTimestamp)
        await this.o.spoke.delete(APPLIED_MANIFEST_WORK, amwName, {
          propagationPolicy: 'Background',
          preconditions: { uid: amw.metadata.uid },
          signal: io.signal,
        });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.objects.forget(APPLIED_MANIFEST_WORK, '', amwName);
    return true;
  }

  private appliedId(r: AppliedManifestResourceMeta): string {
    const info = this.mapper.resourceInfo(r.group ?? '', r.version, r.resource);
    return objectId(
      { group: r.group ?? '', version: info?.version ?? r.version, resource: r.resource },
      r.namespace ?? '',
      r.name,
    );
  }

  private async applyWork(
    initial: ManifestWork,
    current: AppliedManifestWork | undefined,
    io: WorkIo,
    log: Logger,
  ): Promise<PassOutcome> {
    let work = initial;
    const name = work.metadata.name!;
    if (!hasFinalizer(work, MANIFEST_WORK_FINALIZER)) work = await this.addFinalizer(work, io.signal);
    let amw = current ?? (await this.createAppliedWork(work, io));
    if (amw.metadata.deletionTimestamp) {
      // Deleted on the WEC while the work lives: finish that deletion, then start afresh.
      await this.removeAppliedWork(name, amw, work.spec?.deleteOption, io);
      return 'retry';
    }
    const plan = await this.plan(work, amw, io, true);
    const owner: AppliedWorkRef = { name: amw.metadata.name!, uid: amw.metadata.uid! };
    const generation = work.metadata.generation ?? 0;
    const mem = this.generationMemory(work);
    const force = !generationApplied(work);
    const outcomes = new Map<number, ManifestOutcome>();
    const applied = new Set<number>();
    let retry = false;

    for (const ordinal of plan.applyOrder) {
      const p = plan.manifests[ordinal];
      const live = p.id ? this.objects.get(resourceIdOf(p.id), p.id.namespace, p.id.name) : undefined;
      if (p.error || p.wait) {
        // Reported by the status builder; only a wait can resolve by itself.
        outcomes.set(ordinal, { live });
        if (p.wait) retry = true;
        continue;
      }
      if (p.dependsOn?.some((d) => !applied.has(d))) {
        outcomes.set(ordinal, {
          applyError: waitMessage({ reason: 'NamespaceMissing', namespace: p.id!.namespace }),
          live,
        });
        retry = true;
        continue;
      }
      const ck = `${name}/${ordinal}`;
      const conflict = this.conflicts.get(ck);
      if (
        conflict &&
        conflict.generation === generation &&
        conflict.rv === (live?.metadata?.resourceVersion ?? '')
      ) {
        outcomes.set(ordinal, { applyError: conflict.message, live });
        continue;
      }
      const r = await applyManifest(io, p, owner, force && !mem.ordinals.has(ordinal));
      outcomes.set(ordinal, r);
      if (r.applied) {
        applied.add(ordinal);
        mem.ordinals.add(ordinal);
        this.conflicts.delete(ck);
      } else if (r.ssaConflict) {
        this.conflicts.set(ck, {
          generation,
          rv: r.live?.metadata?.resourceVersion ?? '',
          message: r.applyError ?? 'conflict',
        });
      } else {
        log.debug({ work: name, ordinal, err: r.applyError }, 'manifest not applied');
        retry = true;
      }
    }

    const pending: AppliedManifestResourceMeta[] = [];
    for (const step of plan.removals) {
      const r = step.resource;
      const info = this.mapper.resourceInfo(r.group ?? '', r.version, r.resource);
      if ((await removeApplied(io, step, owner, info)) === 'pending') pending.push(r);
      else log.debug({ work: name, resource: r }, 'dropped manifest removed');
    }
    if (pending.length) retry = true;

    const next = nextAppliedWorkStatus(
      amw.status,
      appliedResourcesOf(plan, (i) => outcomes.get(i)?.live),
      pending,
    );
    if (next.changed) amw = await this.writeAppliedStatus(amw, next.status, io);

    const status = buildManifestWorkStatus({ work, plan, outcomes, now: Date.now() });
    if (status.changed) await this.writeWorkStatus(work, status.status, io.signal);

    this.trackPlan(name, plan, pending);
    return retry ? 'retry' : 'done';
  }

  /** Status only: re-read every object from the WEC caches and rewrite the work's status if it changed. */
  private async syncStatus(work: ManifestWork, amw: AppliedManifestWork, io: WorkIo): Promise<void> {
    const plan = await this.plan(work, amw, io, false);
    const outcomes = new Map<number, ManifestOutcome>();
    for (const p of plan.manifests)
      outcomes.set(p.ordinal, {
        live: p.id ? this.objects.get(resourceIdOf(p.id), p.id.namespace, p.id.name) : undefined,
      });
    const status = buildManifestWorkStatus({ work, plan, outcomes, now: Date.now() });
    if (status.changed) await this.writeWorkStatus(work, status.status, io.signal);
  }

  /** Plans the work against the WEC's REST mapping and namespaces; starts the caches its kinds need. */
  private async plan(
    work: ManifestWork,
    amw: AppliedManifestWork,
    io: WorkIo,
    refresh: boolean,
  ): Promise<WorkPlan> {
    const manifests = work.spec?.workload?.manifests ?? [];
    const unknown = manifests.some(
      (m) =>
        typeof m?.apiVersion === 'string' &&
        typeof m?.kind === 'string' &&
        !this.mapper.resolve(m.apiVersion, m.kind),
    );
    if (refresh && unknown) await this.mapper.refresh(io.signal);
    const plan = planWork(work, amw.status?.appliedResources, {
      resolve: this.mapper.resolve,
      namespaceExists: (ns) => !!this.objects.get(NAMESPACE, '', ns),
    });
    const needed = new Map<string, ResourceId>();
    for (const p of plan.manifests) if (p.id) needed.set(gvrKey(p.id), resourceIdOf(p.id));
    await Promise.all([...needed.values()].map((r) => this.objects.ensure(r, io.signal)));
    return plan;
  }

  private trackPlan(name: string, plan: WorkPlan, pending: readonly AppliedManifestResourceMeta[]): void {
    const ids: string[] = pending.map((r) => this.appliedId(r));
    let waitsForKind = false;
    for (const p of plan.manifests) {
      if (p.id) ids.push(objectId(p.id, p.id.namespace, p.id.name));
      if (p.wait?.reason === 'NamespaceMissing') ids.push(objectId(NAMESPACE, '', p.wait.namespace));
      if (p.wait?.reason === 'KindNotServed') waitsForKind = true;
    }
    this.track(name, ids);
    if (waitsForKind) this.waitingForKinds.add(name);
    else this.waitingForKinds.delete(name);
  }

  private generationMemory(work: ManifestWork): { ordinals: Set<number> } {
    const name = work.metadata.name!;
    const uid = work.metadata.uid ?? '';
    const generation = work.metadata.generation ?? 0;
    let m = this.appliedGen.get(name);
    if (!m || m.uid !== uid || m.generation !== generation)
      this.appliedGen.set(name, (m = { uid, generation, ordinals: new Set() }));
    return m;
  }

  // ---- writes ----

  private async addFinalizer(work: ManifestWork, signal: AbortSignal): Promise<ManifestWork> {
    const out = await this.o.hub.patch<ManifestWork>(
      MANIFEST_WORK,
      work.metadata.name!,
      {
        metadata: {
          finalizers: [...(work.metadata.finalizers ?? []), MANIFEST_WORK_FINALIZER],
          resourceVersion: work.metadata.resourceVersion,
        },
      },
      { type: 'merge', namespace: this.ns, signal },
    );
    this.workOverlay.note(work.metadata.name!, out);
    return out;
  }

  private async writeWorkStatus(
    work: ManifestWork,
    status: ManifestWorkStatus,
    signal: AbortSignal,
  ): Promise<void> {
    const out = await this.o.hub.updateStatus<ManifestWork>(
      MANIFEST_WORK,
      { ...work, status },
      { namespace: this.ns, signal },
    );
    this.workOverlay.note(work.metadata.name!, out);
  }

  private async createAppliedWork(work: ManifestWork, io: WorkIo): Promise<AppliedManifestWork> {
    const body = buildAppliedManifestWork(work, this.hash);
    let out: AppliedManifestWork | undefined;
    try {
      out = await this.o.spoke.create<AppliedManifestWork>(APPLIED_MANIFEST_WORK, body, {
        signal: io.signal,
      });
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      out = (await this.objects.fetch(APPLIED_MANIFEST_WORK, '', body.metadata.name!, io.signal)) as
        AppliedManifestWork | undefined;
      if (!out) throw e;
    }
    this.objects.note(APPLIED_MANIFEST_WORK, out);
    return out;
  }

  private async writeAppliedStatus(
    amw: AppliedManifestWork,
    status: AppliedManifestWorkStatus,
    io: WorkIo,
  ): Promise<AppliedManifestWork> {
    const out = await this.o.spoke.updateStatus<AppliedManifestWork>(
      APPLIED_MANIFEST_WORK,
      { ...amw, status },
      { signal: io.signal },
    );
    this.objects.note(APPLIED_MANIFEST_WORK, out);
    return out;
  }
}
