/**
 * The hub side of registration for our ITS, doing what OCM's cluster-manager registration
 * controllers do (provisioning.md §2.6, §2.7): for each ManagedCluster
 * - defaults the cluster-set label to `default` (the hub's mutating webhook does it in OCM);
 * - once `hubAcceptsClient` is true, creates the cluster namespace and the
 *   `managed-cluster-lease`, and reports `HubAcceptedManagedCluster`;
 * - watches the lease and sets `ManagedClusterConditionAvailable=Unknown` when it has not been
 *   renewed within leaseDurationSeconds × LEASE_GRACE_MULTIPLIER (the agent sets it back to True).
 * It also keeps the built-in ManagedClusterSets `default` and `global`.
 *
 * Left out on purpose: RBAC per cluster (our spaces hand out admin tokens) and the
 * `api-resource-cleanup` finalizer (without RBAC there is nothing to clean up, and a finalizer
 * would block deleting a ManagedCluster whenever this controller is not running).
 */
import { uncapped } from '../../engine/controllers/uncapped.js';
import pino, { type Logger } from 'pino';
import { OCM_CLUSTER_GROUP } from '../../api/constants.js';
import { itsCrds } from '../../api/crds.js';
import { MANAGED_CLUSTER, MANAGED_CLUSTER_SET, NAMESPACE } from '../../api/gvr.js';
import type { Condition, KObject } from '../../api/meta.js';
import { ManagedClusterConditions as MC, type ManagedCluster } from '../../api/ocm.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kube/errors.js';
import { ensureCrds } from '../../engine/controllers/crds.js';
import { Controller } from '../../engine/runtime/controller.js';
import { Informer } from '../../engine/runtime/informer.js';
import { Manager } from '../../engine/runtime/manager.js';
import { settle, type ConditionInput } from '../common/conditions.js';
import { jsonEqual } from '../common/json.js';
import {
  buildClusterLease,
  CLUSTER_LEASE_NAME,
  CLUSTER_NAME_LABEL,
  leaseDurationOf,
  leaseRenewTime,
  leaseTimeLeftMs,
  LEASE_GRACE_MULTIPLIER,
  type Lease,
} from '../registration/lease.js';
import {
  CLUSTER_SET_LABEL,
  DEFAULT_CLUSTER_SET,
  hubClusterNamespace,
  ManagedClusterReasons,
} from '../registration/managedcluster.js';

export const HUB_FIELD_MANAGER = 'kstellar-hub';

export const LEASE: ResourceId = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
};

/** Wall-clock time (epoch ms); injectable for tests. */
export interface WallClock {
  now(): number;
}

export interface HubControllerOptions {
  /** The ITS (OCM hub) API. */
  its: DynamicClient;
  log?: Logger;
  /** Accept every cluster that registers (default false: `acceptCluster`, like `clusteradm accept`). */
  autoAccept?: boolean;
  clock?: WallClock;
  /** Install the ITS CRDs when missing (default true), as OCM's cluster-manager does. */
  installCrds?: boolean;
}

export interface HubController {
  /** Runs until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once the caches have synced and the controller runs. */
  ready(): Promise<void>;
}

/** Accepts a cluster, as `clusteradm accept` does: merge-patch `spec.hubAcceptsClient: true`. */
export async function acceptCluster(its: DynamicClient, name: string): Promise<ManagedCluster> {
  return its.patch<ManagedCluster>(
    MANAGED_CLUSTER,
    name,
    { spec: { hubAcceptsClient: true } },
    { type: 'merge' },
  );
}

/** The built-in sets (created while OCM's `DefaultClusterSet` gate is on, its default). */
const BUILTIN_SETS: KObject[] = [
  {
    apiVersion: `${OCM_CLUSTER_GROUP}/v1beta2`,
    kind: 'ManagedClusterSet',
    metadata: { name: DEFAULT_CLUSTER_SET },
    spec: { clusterSelector: { selectorType: 'ExclusiveClusterSetLabel' } },
  },
  {
    apiVersion: `${OCM_CLUSTER_GROUP}/v1beta2`,
    kind: 'ManagedClusterSet',
    metadata: { name: 'global' },
    spec: { clusterSelector: { selectorType: 'LabelSelector', labelSelector: {} } },
  },
];

/** Leases are re-checked this long after they would expire, so the check lands past the deadline. */
const EXPIRY_MARGIN_MS = 50;
/** Retry pace while a cluster namespace is still terminating. */
const NAMESPACE_RETRY_MS = 1000;

export function createHubController(o: HubControllerOptions): HubController {
  const its = o.its;
  const log = (o.log ?? pino({ level: 'silent' })).child({ component: 'hub-registration' });
  const now = () => (o.clock ?? Date).now();
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  const clusters = new Informer<ManagedCluster>({ client: its, resource: MANAGED_CLUSTER, log });
  const leases = new Informer<Lease>({
    client: its,
    resource: LEASE,
    labelSelector: CLUSTER_NAME_LABEL,
    log,
  });
  const namespaces = new Informer({
    client: its,
    resource: NAMESPACE,
    labelSelector: CLUSTER_NAME_LABEL,
    log,
  });
  let setsEnsured = false;

  const reconcile = async (name: string): Promise<{ requeueAfterMs?: number } | void> => {
    if (!setsEnsured) setsEnsured = await ensureClusterSets(its, log);
    const mc = clusters.cache.getByName(name);
    if (!mc || mc.metadata?.deletionTimestamp) return;

    // The webhook's defaulting: every cluster belongs to a set.
    if (!mc.metadata?.labels?.[CLUSTER_SET_LABEL]) {
      await its.patch(
        MANAGED_CLUSTER,
        name,
        { metadata: { labels: { [CLUSTER_SET_LABEL]: DEFAULT_CLUSTER_SET } } },
        { type: 'merge', fieldManager: HUB_FIELD_MANAGER },
      );
      return; // the update event brings the cluster back here
    }
    const accepted = mc.spec?.hubAcceptsClient === true;
    if (!accepted && o.autoAccept) {
      log.info({ cluster: name }, 'accepting cluster automatically');
      await acceptCluster(its, name);
      return;
    }

    let requeueAfterMs: number | undefined;
    let acceptError: string | undefined;
    let lease: Lease | undefined;
    if (accepted) {
      const ns = namespaces.cache.getByName(name);
      if (ns?.metadata?.deletionTimestamp) {
        acceptError = `namespace ${name} is terminating`;
        requeueAfterMs = NAMESPACE_RETRY_MS;
      } else {
        if (!ns) await createIfAbsent(its, NAMESPACE, hubClusterNamespace(name));
        lease = leases.cache.getByName(CLUSTER_LEASE_NAME, name);
        // The hub creates the lease renewed now: a cluster whose agent never shows up goes
        // Unknown after the grace period, as in OCM.
        if (!lease) lease = (await createIfAbsent(its, LEASE, buildClusterLease(name, now()))) as Lease;
      }
    }

    const prev = mc.status?.conditions ?? [];
    const t = now();
    let conditions = prev;
    if (accepted)
      conditions = setCondition(
        conditions,
        acceptError
          ? { type: MC.HubAccepted, status: 'False', reason: 'Error', message: acceptError }
          : {
              type: MC.HubAccepted,
              status: 'True',
              reason: ManagedClusterReasons.Accepted,
              message: 'Accepted by hub cluster admin',
            },
        t,
      );
    else if (prev.some((c) => c.type === MC.HubAccepted))
      conditions = setCondition(
        conditions,
        {
          type: MC.HubAccepted,
          status: 'False',
          reason: ManagedClusterReasons.Denied,
          message: 'Denied by hub cluster admin',
        },
        t,
      );

    const renewed = leaseRenewTime(lease);
    if (accepted && renewed !== undefined) {
      const duration = leaseDurationOf(mc);
      const left = leaseTimeLeftMs(renewed, t, duration);
      if (left <= 0)
        conditions = setCondition(
          conditions,
          {
            type: MC.Available,
            status: 'Unknown',
            reason: ManagedClusterReasons.LeaseStopped,
            message: `Registration agent stopped updating its lease (last renewed ${lease!.spec.renewTime}, more than ${LEASE_GRACE_MULTIPLIER * duration}s ago).`,
          },
          t,
        );
      else requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, left + EXPIRY_MARGIN_MS);
    }

    if (!jsonEqual(prev, conditions)) {
      const unknownNow = conditions.find((c) => c.type === MC.Available)?.status === 'Unknown';
      const unknownBefore = prev.find((c) => c.type === MC.Available)?.status === 'Unknown';
      if (unknownNow && !unknownBefore)
        log.warn({ cluster: name }, 'cluster lease expired; availability unknown');
      try {
        await its.updateStatus(
          MANAGED_CLUSTER,
          { ...mc, status: { ...(mc.status ?? {}), conditions } },
          { fieldManager: HUB_FIELD_MANAGER },
        );
      } catch (e) {
        // A newer version is on its way through the informer; it is reconciled then.
        if (isConflict(e)) return { requeueAfterMs: 50 };
        throw e;
      }
    }
    return requeueAfterMs !== undefined ? { requeueAfterMs } : undefined;
  };

  const controller = new Controller({
    name: 'hub-registration',
    reconcile: (key) => reconcile(key),
    log,
  });
  const enqueueCluster = (obj: KObject) => {
    const n = obj.metadata?.name;
    if (n) controller.enqueue(n);
  };
  const enqueueByNamespace = (obj: KObject) => {
    const n = obj.metadata?.namespace ?? obj.metadata?.name;
    if (n && clusters.cache.getByName(n)) controller.enqueue(n);
  };
  clusters.addEventHandler({ onAdd: enqueueCluster, onUpdate: (_, n) => enqueueCluster(n) });
  // NOTE: leases are keyed by namespace (= cluster); a renewal that is still fresh needs no write,
  // but reconciling it re-arms the expiry check.
  leases.addEventHandler({
    onAdd: enqueueByNamespace,
    onUpdate: (_, n) => enqueueByNamespace(n),
    onDelete: enqueueByNamespace,
  });
  namespaces.addEventHandler({ onDelete: enqueueByNamespace, onUpdate: (_, n) => enqueueByNamespace(n) });

  const start = async (outer: AbortSignal): Promise<void> => {
    // Informers and controllers each listen on the signal: one without the listener cap.
    const { signal, release } = uncapped(outer);
    try {
      if (o.installCrds !== false) await ensureCrds(its, itsCrds(), log, signal);
      if (signal.aborted) return;
      const manager = new Manager({ log });
      manager.add(clusters).add(leases).add(namespaces).add(controller);
      void manager.ready().then(readyResolve);
      await manager.start(signal);
    } finally {
      release();
    }
  };
  return { start, ready: () => readyPromise };
}

/** Sets (or replaces in place) one condition, keeping its transition time while the status holds. */
function setCondition(list: readonly Condition[], c: ConditionInput, now: number): Condition[] {
  const next = settle(list, c, now);
  const i = list.findIndex((x) => x.type === c.type);
  return i < 0 ? [...list, next] : list.map((x, j) => (j === i ? next : x));
}

/**
 * Creates `obj`, or returns the existing one with `obj`'s labels merged in (a namespace made by
 * hand must carry the cluster label for our label-filtered informers to see it).
 */
async function createIfAbsent(
  client: DynamicClient,
  res: ResourceId,
  obj: KObject,
): Promise<KObject | undefined> {
  try {
    return await client.create(res, obj, { fieldManager: HUB_FIELD_MANAGER });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    const namespace = obj.metadata?.namespace;
    const existing = await client.get(res, obj.metadata!.name!, { namespace });
    const labels = obj.metadata?.labels ?? {};
    if (Object.entries(labels).every(([k, v]) => existing.metadata?.labels?.[k] === v)) return existing;
    return client.patch(
      res,
      obj.metadata!.name!,
      { metadata: { labels } },
      {
        type: 'merge',
        namespace,
        fieldManager: HUB_FIELD_MANAGER,
      },
    );
  }
}

/** Creates the built-in sets when missing; false when the API is not served yet (retried later). */
async function ensureClusterSets(its: DynamicClient, log: Logger): Promise<boolean> {
  try {
    for (const set of BUILTIN_SETS) await createIfAbsent(its, MANAGED_CLUSTER_SET, set);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    log.warn({ err: e }, 'cannot create the built-in ManagedClusterSets');
    return false;
  }
}
