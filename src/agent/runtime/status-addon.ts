/**
 * The status add-on agent (KubeStellar's ocm-status-addon, provisioning.md §2.11,
 * kubestellar-semantics.md §4.1): for every WEC object applied from a reported ManifestWork, one
 * WorkStatus in the cluster's namespace of the hub carrying the object's `.status`.
 *
 * It watches the AppliedManifestWorks on the WEC and starts an informer for each resource their
 * `status.appliedResources` name (never for the kinds upstream leaves alone: RBAC, Secrets,
 * ConfigMaps, ServiceAccounts). Each queued key is one WEC object
 * (`group/version/resource/namespace/name`); its pass derives the WorkStatus it should have from
 * the pure builder and creates, updates or deletes to match, writing nothing when it already does.
 */
import type { Logger } from 'pino';
import type { WorkStatus } from '../../api/control.js';
import { APPLIED_MANIFEST_WORK, MANIFEST_WORK, WORK_STATUS } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import type { AppliedManifestWork, ManifestWork } from '../../api/ocm.js';
import { DynamicInformers } from '../../engine/runtime/dynamic-informers.js';
import { Controller, type ReconcileContext } from '../../engine/runtime/controller.js';
import { Informer } from '../../engine/runtime/informer.js';
import { ExponentialRateLimiter, WorkQueue } from '../../engine/runtime/work-queue.js';
import { uncapped } from '../../engine/controllers/uncapped.js';
import type { DynamicClient } from '../../kube/dynamic.js';
import { isConflict, isNotFound } from '../../kube/errors.js';
import { jsonEqual } from '../common/json.js';
import {
  appliedWorkOwnerUid,
  buildWorkStatus,
  shouldReport,
  workStatusUpdate,
} from '../status/workstatus.js';
import { WriteOverlay } from './work-overlay.js';

export interface StatusAddonOptions {
  clusterName: string;
  /** ITS. */
  hub: DynamicClient;
  /** The WEC. */
  spoke: DynamicClient;
  log: Logger;
}

export interface StatusAddon {
  /** Runs until `signal` aborts, then resolves. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once the hub's works and WorkStatuses and the WEC's AppliedManifestWorks are synced. */
  ready(): Promise<void>;
}

export function createStatusAddon(o: StatusAddonOptions): StatusAddon {
  const addon = new StatusAddonRuntime(o);
  return { start: (signal) => addon.start(signal), ready: () => addon.ready() };
}

/** Resources (`group/resource`) of the kinds upstream never watches (see UNWATCHED_KINDS). */
const UNWATCHED_RESOURCES: ReadonlySet<string> = new Set([
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  '/secrets',
  '/configmaps',
  '/serviceaccounts',
]);

const SOURCE_INDEX = 'source';
const UID_INDEX = 'uid';
const WORK_INDEX = 'work';

interface ObjectRef {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
}

/** `group/version/resource/namespace/name` (names and namespaces hold no '/'). */
const keyOf = (r: ObjectRef): string => `${r.group}/${r.version}/${r.resource}/${r.namespace}/${r.name}`;

function parseKey(key: string): ObjectRef {
  const [group, version, resource, namespace, name] = key.split('/');
  return { group, version, resource, namespace, name };
}

const sourceKey = (ws: WorkStatus): string[] => {
  const s = ws.spec?.sourceRef;
  return s
    ? [
        keyOf({
          group: s.group ?? '',
          version: s.version ?? '',
          resource: s.resource ?? '',
          namespace: s.namespace ?? '',
          name: s.name ?? '',
        }),
      ]
    : [];
};

class StatusAddonRuntime {
  private readonly log: Logger;
  private readonly ns: string;
  private readonly works: Informer<ManifestWork>;
  private readonly statuses: Informer<WorkStatus>;
  private readonly statusOverlay = new WriteOverlay<WorkStatus>();
  private readonly amws: Informer<AppliedManifestWork>;
  private readonly objects: DynamicInformers;
  private readonly controller: Controller;
  private readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((r) => (this.readyResolve = r));

  constructor(private readonly o: StatusAddonOptions) {
    this.ns = o.clusterName;
    this.log = o.log.child({ component: 'status-addon', cluster: o.clusterName });
    this.works = new Informer<ManifestWork>({
      client: o.hub,
      resource: MANIFEST_WORK,
      namespace: this.ns,
      log: this.log,
    });
    this.statuses = new Informer<WorkStatus>({
      client: o.hub,
      resource: WORK_STATUS,
      namespace: this.ns,
      indexers: { [SOURCE_INDEX]: sourceKey },
      log: this.log,
    });
    this.amws = new Informer<AppliedManifestWork>({
      client: o.spoke,
      resource: APPLIED_MANIFEST_WORK,
      indexers: {
        [UID_INDEX]: (a) => (a.metadata.uid ? [a.metadata.uid] : []),
        [WORK_INDEX]: (a) => (a.spec?.manifestWorkName ? [a.spec.manifestWorkName] : []),
      },
      log: this.log,
    });
    this.objects = new DynamicInformers({
      client: o.spoke,
      log: this.log,
      onCreate: (inf) =>
        inf.addEventHandler({
          onAdd: (obj) => this.objectEvent(inf.resource, obj),
          onUpdate: (old, obj) => this.objectEvent(inf.resource, obj, old),
          onDelete: (obj) => this.objectEvent(inf.resource, obj),
        }),
    });
    this.controller = new Controller({
      name: 'status-addon',
      reconcile: (key, ctx) => this.reconcile(key, ctx),
      queue: new WorkQueue({
        name: 'status-addon',
        rateLimiter: new ExponentialRateLimiter({ baseMs: 100, maxMs: 10_000 }),
      }),
      concurrency: 2,
      log: this.log,
      needLeaderElection: false,
    });

    this.amws.addEventHandler({
      onAdd: (a) => this.appliedWorkEvent(a),
      onUpdate: (old, a) => {
        this.appliedWorkEvent(old);
        this.appliedWorkEvent(a);
      },
      onDelete: (a) => this.appliedWorkEvent(a),
    });
    this.works.addEventHandler({
      onAdd: (w) => this.workEvent(w),
      onUpdate: (old, w) => {
        // Status writes of the work agent do not matter here; labels and lifecycle do.
        if (
          !jsonEqual(old.metadata.labels ?? {}, w.metadata.labels ?? {}) ||
          old.metadata.deletionTimestamp !== w.metadata.deletionTimestamp ||
          old.metadata.uid !== w.metadata.uid
        )
          this.workEvent(w);
      },
      onDelete: (w) => this.workEvent(w),
    });
    this.statuses.addEventHandler({
      onAdd: (ws) => sourceKey(ws).forEach((k) => this.controller.enqueue(k)),
      onUpdate: (old, ws) => {
        this.statusOverlay.seen(ws.metadata.name!, ws);
        for (const k of new Set([...sourceKey(old), ...sourceKey(ws)])) this.controller.enqueue(k);
      },
      onDelete: (ws) => {
        this.statusOverlay.forget(ws.metadata.name!);
        sourceKey(ws).forEach((k) => this.controller.enqueue(k));
      },
    });
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  async start(outer: AbortSignal): Promise<void> {
    const { signal, release } = uncapped(outer);
    const runs = [
      this.works.start(signal),
      this.statuses.start(signal),
      this.amws.start(signal),
      this.objects.start(signal),
    ];
    try {
      const synced = await Promise.all([
        this.works.waitForSync(signal),
        this.statuses.waitForSync(signal),
        this.amws.waitForSync(signal),
      ]);
      if (signal.aborted || !synced.every(Boolean)) return;
      this.log.info('status add-on synced');
      this.readyResolve();
      await this.controller.start(signal);
    } finally {
      await Promise.all(runs);
      release();
    }
  }

  // ---- triggers ----

  /** Watches the resources an AppliedManifestWork lists and queues its objects. */
  private appliedWorkEvent(a: AppliedManifestWork): void {
    for (const r of a.status?.appliedResources ?? []) {
      const ref: ObjectRef = {
        group: r.group ?? '',
        version: r.version,
        resource: r.resource,
        namespace: r.namespace ?? '',
        name: r.name,
      };
      if (!UNWATCHED_RESOURCES.has(`${ref.group}/${ref.resource}`))
        this.objects.informerFor({ group: ref.group, version: ref.version, resource: ref.resource });
      this.controller.enqueue(keyOf(ref));
    }
  }

  private workEvent(w: ManifestWork): void {
    for (const a of this.amws.cache.byIndex(WORK_INDEX, w.metadata.name ?? '')) this.appliedWorkEvent(a);
  }

  private objectEvent(
    res: { group: string; version: string; resource: string },
    obj: KObject,
    old?: KObject,
  ): void {
    const key = keyOf({ ...res, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' });
    // Objects no work delivered, and that no WorkStatus reports, are none of our business.
    if (
      appliedWorkOwnerUid(obj) ||
      (old && appliedWorkOwnerUid(old)) ||
      this.statuses.cache.byIndex(SOURCE_INDEX, key).length
    )
      this.controller.enqueue(key);
  }

  // ---- the pass ----

  private async reconcile(key: string, ctx: ReconcileContext): Promise<void> {
    const ref = parseKey(key);
    const desired = await this.desiredFor(ref, ctx.signal);
    const existing = this.statuses.cache
      .byIndex(SOURCE_INDEX, key)
      .map((ws) => this.statusOverlay.pick(ws.metadata.name!, ws)!);
    for (const ws of existing)
      if (!desired || ws.metadata.name !== desired.metadata.name) await this.remove(ws, ctx.signal);
    if (!desired) return;
    const name = desired.metadata.name!;
    const current = this.statusOverlay.pick(name, this.statuses.cache.getByName(name, this.ns));
    if (!current) await this.create(desired, ctx.signal);
    else await this.update(current, desired, ctx.signal);
  }

  /** The WorkStatus the object should have, or undefined when it should have none. */
  private async desiredFor(ref: ObjectRef, signal: AbortSignal): Promise<WorkStatus | undefined> {
    const inf = this.objects.get({ group: ref.group, version: ref.version, resource: ref.resource });
    if (!inf) return undefined;
    if (!inf.hasSynced()) {
      const ok = await inf.waitForSync(AbortSignal.any([signal, AbortSignal.timeout(15_000)]));
      if (!ok)
        throw new Error(`the WEC's ${ref.group}/${ref.version}/${ref.resource} could not be listed yet`);
    }
    const obj = inf.cache.getByName(ref.name, ref.namespace || undefined);
    const amwUid = obj && appliedWorkOwnerUid(obj);
    if (!obj || !amwUid) return undefined;
    const amw = this.amws.cache.byIndex(UID_INDEX, amwUid)[0];
    const work = amw?.spec?.manifestWorkName
      ? this.works.cache.getByName(amw.spec.manifestWorkName, this.ns)
      : undefined;
    if (!work || work.metadata.deletionTimestamp || !shouldReport(work, ref.group, obj.kind ?? ''))
      return undefined;
    return buildWorkStatus({
      obj,
      resource: { group: ref.group, version: ref.version, resource: ref.resource, kind: obj.kind ?? '' },
      work,
      appliedWorkUid: amwUid,
    });
  }

  // ---- writes ----

  private async create(desired: WorkStatus, signal: AbortSignal): Promise<void> {
    let out = await this.o.hub.create<WorkStatus>(WORK_STATUS, desired, { namespace: this.ns, signal });
    // The status subresource ignores `.status` on create.
    if (desired.status !== undefined && !jsonEqual(out.status, desired.status))
      out = await this.o.hub.updateStatus<WorkStatus>(
        WORK_STATUS,
        { ...out, status: desired.status },
        { namespace: this.ns, signal },
      );
    this.statusOverlay.note(out.metadata.name!, out);
  }

  private async update(current: WorkStatus, desired: WorkStatus, signal: AbortSignal): Promise<void> {
    const u = workStatusUpdate(current, desired);
    if (!u) return;
    const name = current.metadata.name!;
    const opts = { namespace: this.ns, signal };
    let out = current;
    if (u.labels)
      out = await this.o.hub.patch<WorkStatus>(
        WORK_STATUS,
        name,
        { metadata: { labels: u.labels } },
        { type: 'merge', ...opts },
      );
    if (u.sourceRef)
      out = await this.o.hub.update<WorkStatus>(
        WORK_STATUS,
        { ...out, spec: { ...out.spec, sourceRef: u.sourceRef } },
        opts,
      );
    if (u.status)
      out = await this.o.hub.updateStatus<WorkStatus>(WORK_STATUS, { ...out, status: u.status }, opts);
    this.statusOverlay.note(name, out);
  }

  private async remove(ws: WorkStatus, signal: AbortSignal): Promise<void> {
    try {
      await this.o.hub.delete(WORK_STATUS, ws.metadata.name!, {
        namespace: this.ns,
        preconditions: ws.metadata.uid ? { uid: ws.metadata.uid } : undefined,
        signal,
      });
    } catch (e) {
      // Gone already, or replaced by a newer one that its own pass will judge.
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    this.statusOverlay.forget(ws.metadata.name!);
  }
}
