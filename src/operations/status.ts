/**
 * `kstellar status` without an object: the health of every space, WEC and policy of an
 * installation, read through the spaces' own APIs.
 */
import type { Binding, BindingPolicy } from '../api/control.js';
import { BINDING, BINDING_POLICY, MANAGED_CLUSTER } from '../api/gvr.js';
import type { KObject } from '../api/meta.js';
import type { Inventory } from '../providers/types.js';
import { clientFor } from './installation.js';

const LEASE = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };
const CLUSTER_LEASE = 'managed-cluster-lease';

export interface SpaceHealth {
  name: string;
  type: 'its' | 'wds';
  its?: string;
  ready: boolean;
  url?: string;
  message?: string;
}

export interface WecHealth {
  name: string;
  its: string;
  joined: boolean;
  available: 'True' | 'False' | 'Unknown';
  labels: Record<string, string>;
  lastHeartbeat?: string;
  message?: string;
}

export interface PolicyHealth {
  wds: string;
  name: string;
  objects: number;
  clusters: string[];
  resolved: boolean;
  errors: string[];
}

export interface SystemStatus {
  provider: string;
  spaces: SpaceHealth[];
  wecs: WecHealth[];
  policies: PolicyHealth[];
}

const condStatus = (obj: KObject, type: string) =>
  (obj.status?.conditions as { type: string; status: string; message?: string }[] | undefined)?.find(
    (c) => c.type === type,
  );

export async function systemStatus(inv: Inventory): Promise<SystemStatus> {
  const out: SystemStatus = { provider: inv.provider, spaces: [], wecs: [], policies: [] };
  for (const s of inv.spaces) {
    let ready = s.ready;
    let message = s.message;
    let url: string | undefined;
    if (s.kubeconfig) {
      const c = clientFor(s.kubeconfig);
      url = c.rest.server.toString().replace(/\/$/, '');
      try {
        await c.rest.requestRaw({ path: '/readyz', timeoutMs: 3000 });
      } catch (e) {
        ready = false;
        message = `API server not answering: ${(e as Error).message}`;
      }
      if (ready && s.type === 'its') out.wecs.push(...(await wecsOf(c, s.name, inv)));
      if (ready && s.type === 'wds') out.policies.push(...(await policiesOf(c, s.name)));
      c.rest.close();
    }
    out.spaces.push({ name: s.name, type: s.type, its: s.its, ready, url, message });
  }
  // WECs the provider knows of that have not registered (yet).
  for (const w of inv.wecs)
    if (!out.wecs.some((x) => x.name === w.name))
      out.wecs.push({
        name: w.name,
        its: w.its,
        joined: false,
        available: 'Unknown',
        labels: w.labels,
        message: w.message ?? 'not registered in its ITS',
      });
  return out;
}

async function wecsOf(
  its: ReturnType<typeof clientFor>,
  itsName: string,
  inv: Inventory,
): Promise<WecHealth[]> {
  const mcs = await its.list<KObject>(MANAGED_CLUSTER);
  return Promise.all(
    mcs.items.map(async (mc) => {
      const name = mc.metadata!.name!;
      let lastHeartbeat: string | undefined;
      try {
        const lease = await its.get<KObject>(LEASE, CLUSTER_LEASE, { namespace: name });
        lastHeartbeat = lease.spec?.renewTime;
      } catch {
        /* not joined yet */
      }
      const avail = condStatus(mc, 'ManagedClusterConditionAvailable');
      const known = inv.wecs.find((w) => w.name === name);
      return {
        name,
        its: itsName,
        joined: condStatus(mc, 'ManagedClusterJoined')?.status === 'True',
        available: (avail?.status as WecHealth['available']) ?? 'Unknown',
        labels: mc.metadata?.labels ?? known?.labels ?? {},
        lastHeartbeat,
        message: avail?.status === 'True' ? undefined : avail?.message,
      };
    }),
  );
}

async function policiesOf(wds: ReturnType<typeof clientFor>, wdsName: string): Promise<PolicyHealth[]> {
  const [policies, bindings] = await Promise.all([
    wds.list<BindingPolicy>(BINDING_POLICY),
    wds.list<Binding>(BINDING),
  ]);
  return policies.items.map((p) => {
    const b = bindings.items.find((x) => x.metadata?.name === p.metadata?.name);
    const w = b?.spec?.workload;
    return {
      wds: wdsName,
      name: p.metadata!.name!,
      objects: (w?.clusterScope?.length ?? 0) + (w?.namespaceScope?.length ?? 0),
      clusters: (b?.spec?.destinations ?? []).map((d) => d.clusterId).sort(),
      resolved: !!p.status && p.status.observedGeneration === p.metadata?.generation,
      errors: p.status?.errors ?? [],
    };
  });
}
