/**
 * The registration agent (the klusterlet's registration half, provisioning.md §2.6, §2.8, §2.10):
 * - creates the cluster's ManagedCluster on the hub (labels, annotations and lease duration are
 *   set only at creation: later edits on the hub win, as in OCM) and recreates it if deleted;
 *   the WEC's URL is merged into `managedClusterClientConfigs`;
 * - waits until the hub accepts it (`hubAcceptsClient`) and its namespace exists;
 * - then renews `managed-cluster-lease` every leaseDurationSeconds (+ up to 25 % jitter) and
 *   reports `ManagedClusterJoined`, `ManagedClusterConditionAvailable` (from the WEC's /livez),
 *   the Kubernetes version, cluster claims and node resources in the status.
 * Hub credentials are given (our spaces issue tokens), so there is no CSR bootstrap.
 */
import { uncapped } from '../../engine/controllers/uncapped.js';
import pino, { type Logger } from 'pino';
import { MANAGED_CLUSTER, NAMESPACE } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import { OCM_CLUSTER_GROUP } from '../../api/constants.js';
import { ManagedClusterConditions as MC, type ClientConfig, type ManagedCluster } from '../../api/ocm.js';
import { sleep } from '../../kube/backoff.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kube/errors.js';
import { Controller } from '../../engine/runtime/controller.js';
import { Informer } from '../../engine/runtime/informer.js';
import { Manager } from '../../engine/runtime/manager.js';
import { isTrue } from '../common/conditions.js';
import { jsonEqual } from '../common/json.js';
import {
  buildClusterLease,
  buildManagedCluster,
  claimsFromObjects,
  CLUSTER_LEASE_NAME,
  defaultClaims,
  leaseDurationOf,
  managedClusterStatus,
  mergeClientConfigs,
  nextRenewDelayMs,
  renewLeasePatch,
  sumNodeResources,
  validateManagedClusterInput,
  type ClaimOptions,
  type ClusterClaim,
} from '../registration/index.js';

export const REGISTRATION_FIELD_MANAGER = 'kstellar-registration-agent';

const LEASE: ResourceId = {
  group: 'coordination.k8s.io',
  version: 'v1',
  resource: 'leases',
  namespaced: true,
};
const NODES: ResourceId = { group: '', version: 'v1', resource: 'nodes', namespaced: false };
const CLUSTER_CLAIMS: ResourceId = {
  group: OCM_CLUSTER_GROUP,
  version: 'v1alpha1',
  resource: 'clusterclaims',
  namespaced: false,
};

export interface RegistrationAgentOptions {
  clusterName: string;
  /** Labels the ManagedCluster gets when it is created (KubeStellar selects on them). */
  labels?: Record<string, string>;
  /** `agent.open-cluster-management.io/*` annotations for the new ManagedCluster. */
  annotations?: Record<string, string>;
  /** The hub (ITS) API. */
  hub: DynamicClient;
  /** The WEC's own API. */
  spoke: DynamicClient;
  log?: Logger;
  /** For a new ManagedCluster (default 60); an existing one keeps its own. */
  leaseDurationSeconds?: number;
  /** Extra claims to publish (ClusterClaim objects on the WEC win over these). */
  claims?: readonly ClusterClaim[];
  claimOptions?: ClaimOptions;
  /** How the hub reaches the WEC; default the spoke kubeconfig's https server and CA. */
  clientConfigs?: ClientConfig[];
}

export interface RegistrationAgent {
  /** Runs until `signal` aborts. */
  start(signal: AbortSignal): Promise<void>;
  /** Resolves once the cluster is accepted and joined. */
  ready(): Promise<void>;
}

/** While not accepted, or while the cluster namespace is missing, look again this often. */
const WAIT_RETRY_MS = 1000;

export function createRegistrationAgent(o: RegistrationAgentOptions): RegistrationAgent {
  const name = o.clusterName;
  const invalid = validateManagedClusterInput({ name, leaseDurationSeconds: o.leaseDurationSeconds });
  if (invalid.length) throw new Error(invalid.join('; '));
  const { hub, spoke } = o;
  const log = (o.log ?? pino({ level: 'silent' })).child({ component: 'registration-agent', cluster: name });
  const clientConfigs = o.clientConfigs ?? spokeClientConfigs(spoke);
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  const clusters = new Informer<ManagedCluster>({
    client: hub,
    resource: MANAGED_CLUSTER,
    fieldSelector: `metadata.name=${name}`,
    backoff: { maxMs: 5000 },
    log,
  });
  /** Set while accepted and the namespace exists: the lease is renewed only then. */
  let joined = false;
  /** Epoch ms of our last successful lease renewal. */
  let lastRenew: number | undefined;

  const renewLease = async (signal: AbortSignal): Promise<void> => {
    const t = Date.now();
    try {
      await hub.patch(LEASE, CLUSTER_LEASE_NAME, renewLeasePatch(t), {
        type: 'merge',
        namespace: name,
        fieldManager: REGISTRATION_FIELD_MANAGER,
        signal,
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      // The hub creates the lease on acceptance; create it ourselves if it is not there (yet).
      try {
        await hub.create(LEASE, buildClusterLease(name, t), {
          fieldManager: REGISTRATION_FIELD_MANAGER,
          signal,
        });
      } catch (e2) {
        if (!isAlreadyExists(e2)) throw e2;
        return renewLease(signal);
      }
    }
    lastRenew = t;
  };

  const reconcile = async (signal: AbortSignal): Promise<{ requeueAfterMs: number } | void> => {
    const mc = clusters.cache.getByName(name);
    if (!mc) {
      log.info('creating ManagedCluster');
      try {
        await hub.create(
          MANAGED_CLUSTER,
          buildManagedCluster({
            name,
            labels: o.labels,
            annotations: o.annotations,
            leaseDurationSeconds: o.leaseDurationSeconds,
            clientConfigs,
          }),
          { fieldManager: REGISTRATION_FIELD_MANAGER, signal },
        );
      } catch (e) {
        if (!isAlreadyExists(e)) throw e;
      }
      return; // the informer brings the new object back here
    }
    if (mc.metadata?.deletionTimestamp) {
      joined = false;
      return { requeueAfterMs: WAIT_RETRY_MS };
    }
    const merged = mergeClientConfigs(mc.spec?.managedClusterClientConfigs, clientConfigs);
    if (!jsonEqual(merged, mc.spec?.managedClusterClientConfigs ?? [])) {
      await hub.patch(
        MANAGED_CLUSTER,
        name,
        { spec: { managedClusterClientConfigs: merged } },
        { type: 'merge', fieldManager: REGISTRATION_FIELD_MANAGER, signal },
      );
      return;
    }
    if (mc.spec?.hubAcceptsClient !== true) {
      if (joined) log.warn('the hub no longer accepts this cluster');
      else log.info('waiting for the hub to accept this cluster');
      joined = false;
      return; // acceptance arrives as an update of the ManagedCluster
    }
    if (!(await namespaceReady(hub, name, signal))) {
      log.info('waiting for the hub to create the cluster namespace');
      joined = false;
      return { requeueAfterMs: WAIT_RETRY_MS };
    }
    if (!joined || lastRenew === undefined) {
      await renewLease(signal);
      joined = true;
    }

    const facts = await spokeFacts(spoke, name, o.claims ?? [], signal);
    const result = managedClusterStatus(mc, {
      now: Date.now(),
      leaseRenewTime: lastRenew,
      apiServerHealthy: facts.health.ok,
      apiServerMessage: facts.health.message,
      kubeVersion: facts.kubeVersion,
      claims: facts.claims,
      claimOptions: o.claimOptions,
      ...(facts.resources ?? {}),
    });
    if (result.changed) {
      try {
        await hub.updateStatus(
          MANAGED_CLUSTER,
          { ...mc, status: result.status },
          { fieldManager: REGISTRATION_FIELD_MANAGER, signal },
        );
      } catch (e) {
        if (isConflict(e)) return { requeueAfterMs: 50 }; // a newer version is on its way
        throw e;
      }
      log.debug(
        { conditions: result.status.conditions?.map((c) => `${c.type}=${c.status}`) },
        'status updated',
      );
    }
    if (isTrue(result.status.conditions, MC.Joined)) readyResolve();
    // Re-check health, claims and resources once per lease period, as OCM's status controller does.
    return { requeueAfterMs: leaseDurationOf(mc) * 1000 };
  };

  const controller = new Controller({
    name: `registration-${name}`,
    reconcile: (_key, ctx) => reconcile(ctx.signal),
    log,
  });
  const enqueue = () => controller.enqueue(name);
  clusters.addEventHandler({ onAdd: enqueue, onUpdate: enqueue, onDelete: enqueue });

  // Renewals run on their own timer so a slow status pass never delays the heartbeat.
  const renewer = {
    async start(signal: AbortSignal): Promise<void> {
      // Jitter is drawn once per renewal; the duration is read each time, so a changed
      // leaseDurationSeconds applies at once.
      let jitter = Math.random();
      const duration = () => {
        const mc = clusters.cache.getByName(name);
        return mc ? leaseDurationOf(mc) : 60;
      };
      while (!signal.aborted) {
        await sleep(Math.min(1000, duration() * 250), signal);
        if (signal.aborted || !joined || lastRenew === undefined) continue;
        if (Date.now() < lastRenew + nextRenewDelayMs(duration(), jitter)) continue;
        try {
          await renewLease(signal);
          jitter = Math.random();
        } catch (e) {
          if (!signal.aborted) log.warn({ err: e }, 'cannot renew the cluster lease');
        }
      }
    },
  };

  const start = async (outer: AbortSignal): Promise<void> => {
    // Informers and controllers each listen on the signal: one without the listener cap.
    const { signal, release } = uncapped(outer);
    try {
      const manager = new Manager({ log });
      manager.add(clusters).add(controller).add(renewer);
      // The informer's first (possibly empty) list triggers nothing: queue the first pass.
      void manager.ready().then(enqueue);
      await manager.start(signal);
    } finally {
      release();
      joined = false;
    }
  };
  return { start, ready: () => readyPromise };
}

/** The WEC's server URL and CA as the hub should reach it (https only, as OCM's webhook wants). */
export function spokeClientConfigs(spoke: DynamicClient): ClientConfig[] {
  const cluster = spoke.rest.kubeConfig.getCurrentCluster();
  if (!cluster || !cluster.server.startsWith('https://')) return [];
  const cfg: ClientConfig = { url: cluster.server };
  if (cluster.caData) cfg.caBundle = cluster.caData;
  return [cfg];
}

async function namespaceReady(hub: DynamicClient, name: string, signal: AbortSignal): Promise<boolean> {
  try {
    const ns = await hub.get(NAMESPACE, name, { signal });
    return !ns.metadata?.deletionTimestamp;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

interface SpokeFacts {
  health: { ok: boolean; message?: string };
  kubeVersion?: string;
  claims: ClusterClaim[];
  resources?: { capacity: Record<string, string>; allocatable: Record<string, string> };
}

/** What the status reports about the WEC: health, version, claims and node resources. */
async function spokeFacts(
  spoke: DynamicClient,
  name: string,
  extra: readonly ClusterClaim[],
  signal: AbortSignal,
): Promise<SpokeFacts> {
  const health = await apiServerHealth(spoke, signal);
  if (!health.ok) return { health, claims: [] };
  const version = await spoke.rest
    .request<{ gitVersion?: string }>({ path: '/version', signal })
    .catch(() => undefined);
  const kubeSystem = await spoke.get(NAMESPACE, 'kube-system', { signal }).catch(() => undefined);
  const fromObjects = claimsFromObjects(await listIfServed(spoke, CLUSTER_CLAIMS, signal));
  const kubeVersion = version?.gitVersion;
  // First wins in clusterClaimsStatus: ClusterClaim objects, then given claims, then our defaults.
  const claims = [
    ...fromObjects,
    ...extra,
    ...defaultClaims({ clusterId: kubeSystem?.metadata?.uid ?? name, kubeVersion }),
  ];
  const nodes = await listIfServed(spoke, NODES, signal);
  const facts: SpokeFacts = { health, kubeVersion, claims };
  // Embedded WECs have no nodes: report no resources rather than zeros.
  if (nodes.length) facts.resources = sumNodeResources(nodes as Parameters<typeof sumNodeResources>[0]);
  return facts;
}

async function listIfServed(client: DynamicClient, res: ResourceId, signal: AbortSignal): Promise<KObject[]> {
  try {
    return (await client.listAll(res, { signal })).items;
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

/** `/livez`, falling back to `/healthz` when it is not served, as the OCM agent checks. */
async function apiServerHealth(
  spoke: DynamicClient,
  signal: AbortSignal,
): Promise<{ ok: boolean; message?: string }> {
  for (const path of ['/livez', '/healthz']) {
    try {
      await spoke.rest.requestRaw({ path, accept: 'text/plain', signal, timeoutMs: 10_000 });
      return { ok: true };
    } catch (e) {
      if (isNotFound(e) && path === '/livez') continue;
      return { ok: false, message: (e as Error).message };
    }
  }
  return { ok: false, message: 'no health endpoint' };
}
