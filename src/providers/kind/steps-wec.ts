/**
 * `register-wec` on kind: a kind cluster for the WEC (unless an existing cluster is given), then
 * native OCM registration without clusteradm (provisioning spec §5.4): a one-hour bootstrap token
 * from the hub, the hub's in-cluster endpoint from its cluster-info, the klusterlet applied CRD
 * first, the agent's CSR approved and the cluster accepted by kstellar itself, labels, and the
 * status add-on agent verified.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { stringify } from 'yaml';
import type { KObject } from '../../api/meta.js';
import { isNotFound } from '../../kube/errors.js';
import { diagnosePods } from './diagnose.js';
import { KindError } from './errors.js';
import { conditionTrue, refOf, serverOf, type KubeOps } from './kube.js';
import { hostContainerOf, type KindRuntime } from './runtime.js';
import { clusterInfoServer } from './steps-spaces.js';
import { nodesReady, remaining, runnerTimeout } from './steps-hosting.js';
import { renderObjects } from './templates.js';
import { MATRIX } from './versions.js';

const MIN = 60_000;
const CLUSTER_API = 'cluster.open-cluster-management.io/v1';
const CSR_API = 'certificates.k8s.io/v1';
const CLUSTER_NAME_LABEL = 'open-cluster-management.io/cluster-name';
/** Bootstrap service accounts: current name first, then the clusteradm <= 0.10 one. */
const BOOTSTRAP_SAS = ['agent-registration-bootstrap', 'cluster-bootstrap'];
const TOKEN_SECONDS = 3600;
/** How long to wait for the agent's CSR before reporting E-CSR-MISSING. */
export const CSR_WAIT_MS = 120_000;

export interface WecInput {
  name: string;
  its: string;
  labels: Record<string, string>;
  /** An existing cluster: its kubeconfig YAML (context renamed to `name`). */
  existing?: string;
}

const managedClusterRef = (name: string) => ({ apiVersion: CLUSTER_API, kind: 'ManagedCluster', name });

/** The kind cluster of a WEC kstellar creates. */
export async function wecClusterSteps(
  k: KindRuntime,
  name: string,
  o: { owned: boolean; onCreated(): void },
): Promise<void> {
  await k.session.step({
    title: `kind cluster ${name} (WEC)`,
    timeoutMs: 5 * MIN,
    waitFor: `node ${name}-control-plane Ready`,
    observe: async () => {
      if (!(await k.kindClusters()).includes(name)) return undefined;
      if (!o.owned)
        throw new KindError(
          'E-NAME-COLLISION',
          `kind cluster ${name} exists and was not created by kstellar`,
          {
            hint: `register it as an existing cluster (--kubeconfig/--context), delete it (\`kind delete cluster --name ${name}\`), or choose another name`,
          },
        );
      return 'already exists';
    },
    act: async (deadline) => {
      await k.x.run(
        'kind',
        [
          'create',
          'cluster',
          '--name',
          name,
          '--kubeconfig',
          k.kindKubeconfigFile,
          '--wait',
          remaining(deadline),
        ],
        {
          what: `create kind cluster ${name}`,
          timeoutMs: runnerTimeout(deadline),
        },
      );
      o.onCreated();
      k.storeKubeconfig(name, await k.kindKubeconfig(name, name), false);
    },
    verify: () => nodesReady(k, name),
    undo: async () => {
      await k.x.run('kind', ['delete', 'cluster', '--name', name, '--kubeconfig', k.kindKubeconfigFile], {
        what: `delete kind cluster ${name}`,
      });
      k.removeKubeconfigFile(name);
    },
  });
  await k.session.step({
    title: `Kubeconfig context ${name}`,
    timeoutMs: MIN,
    observe: async () =>
      k.kubeconfigInPlace(name, await k.kindKubeconfig(name, name), true)
        ? `in ${k.ctx.kubeconfigPath}`
        : undefined,
    act: async () => k.storeKubeconfig(name, await k.kindKubeconfig(name, name), true),
  });
}

/** The identity a hub's bootstrap token belongs to, for matching the agent's CSRs. */
const bootstrapUser = (sa: string) => `system:serviceaccount:open-cluster-management:${sa}`;

interface Csr extends KObject {
  spec: { request: string; username?: string; signerName?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** The CN of a CSR's PKCS#10 request ('' when unreadable). */
export function csrCommonName(csr: Csr): string {
  try {
    const pem = Buffer.from(csr.spec.request, 'base64').toString('utf8');
    return new x509.Pkcs10CertificateRequest(pem).subjectName.getField('CN')[0] ?? '';
  } catch {
    return '';
  }
}

const csrDecided = (c: Csr) =>
  (c.status?.conditions ?? []).some((x) => x.type === 'Approved' || x.type === 'Denied');

/** Registration CSRs of cluster `name`: from a bootstrap identity, for client certificates. */
export function registrationCsrs(all: Csr[], name: string): Csr[] {
  return all.filter(
    (c) =>
      c.metadata?.labels?.[CLUSTER_NAME_LABEL] === name &&
      !c.metadata?.labels?.['open-cluster-management.io/addon-name'] &&
      (c.spec.signerName ?? 'kubernetes.io/kube-apiserver-client') ===
        'kubernetes.io/kube-apiserver-client' &&
      (BOOTSTRAP_SAS.map(bootstrapUser).includes(c.spec.username ?? '') ||
        (c.spec.username ?? '').startsWith('system:bootstrap:')),
  );
}

async function mintToken(
  k: KindRuntime,
  its: KubeOps,
  itsName: string,
): Promise<{ token: string; sa: string }> {
  for (const sa of BOOTSTRAP_SAS) {
    try {
      const token = await its.createToken('open-cluster-management', sa, TOKEN_SECONDS);
      if (sa !== BOOTSTRAP_SAS[0])
        k.ctx.ui.warn(
          `[E-VERSION-CLUSTERADM] hub ${itsName} has the legacy bootstrap service account ${sa} (clusteradm <= 0.10); using it`,
        );
      return { token, sa };
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  throw new KindError(
    'E-HUB-NOT-READY',
    `hub ${itsName} has no bootstrap service account (${BOOTSTRAP_SAS.join(' or ')})`,
  );
}

/** OCM registration of a WEC with an ITS, then labels and the status add-on. */
export async function registrationSteps(k: KindRuntime, w: WecInput): Promise<void> {
  const its = () => k.kube(w.its);
  const wec = () => k.kube(w.name);

  await k.session.step({
    title: `Hub ${w.its} ready for registration`,
    timeoutMs: 2 * MIN,
    waitFor: `${w.its} serves managedclusters.cluster.open-cluster-management.io`,
    observe: async () =>
      (await its().serves(CLUSTER_API, 'managedclusters')) ? 'ManagedCluster API served' : undefined,
    act: async () => undefined,
    verify: async () =>
      (await its().serves(CLUSTER_API, 'managedclusters')) ? true : 'ManagedCluster API not served',
    diagnose: async () => new KindError('E-HUB-NOT-READY', `${w.its} does not serve the ManagedCluster API`),
  });

  let hubServer = '';
  await k.session.step({
    title: `Klusterlet on ${w.name} (OCM ${MATRIX.ocm.imageTag}, Singleton)`,
    timeoutMs: 5 * MIN,
    waitFor: `ManagedCluster ${w.name} created in ${w.its} by the agent`,
    observe: async () => {
      const kl = await wec().get({
        apiVersion: 'operator.open-cluster-management.io/v1',
        kind: 'Klusterlet',
        name: 'klusterlet',
      });
      if (!kl) return undefined;
      const have = (kl as { spec?: { clusterName?: string } }).spec?.clusterName;
      const boot = await wec().get({
        apiVersion: 'v1',
        kind: 'Secret',
        name: 'bootstrap-hub-kubeconfig',
        namespace: 'open-cluster-management-agent',
      });
      const bootHub = boot?.metadata?.annotations?.['kstellar.io/hub-server'] ?? serverOfSecret(boot);
      const want = await clusterInfoServer(k, w.its);
      if (have !== w.name || (bootHub && want && bootHub !== want))
        throw new KindError(
          'E-KLUSTERLET-MISMATCH',
          `${w.name} already runs a klusterlet as "${have}" for hub ${bootHub ?? 'unknown'}, not as "${w.name}" for ${want}`,
        );
      return (await its().get(managedClusterRef(w.name))) ? 'installed, ManagedCluster exists' : undefined;
    },
    act: async (deadline) => {
      // 1. The hub's in-cluster endpoint and CA, as WEC containers must dial it.
      let ca = '<ca from cluster-info>';
      hubServer = `https://${hostContainerOf(k.settings)}:<nodePort>`;
      if (!k.dryRun) {
        const cm = await its().get({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'cluster-info',
          namespace: 'kube-public',
        });
        const text = (cm as { data?: { kubeconfig?: string } } | undefined)?.data?.kubeconfig;
        if (!text) throw new KindError('E-CLUSTER-INFO', `${w.its} has no kube-public/cluster-info`);
        const info = serverOf(text);
        hubServer = info.server;
        ca = info.ca ?? (await rootCa(its()));
      } else k.x.note(`read the hub endpoint and CA from kube-public/cluster-info of ${w.its}`);
      // 2. A short-lived bootstrap token (never written to disk by kstellar).
      const { token } = await mintToken(k, its(), w.its);
      const bootstrap = stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'hub', cluster: { server: hubServer, 'certificate-authority-data': ca } }],
        users: [{ name: 'bootstrap', user: { token } }],
        contexts: [
          { name: 'bootstrap', context: { cluster: 'hub', user: 'bootstrap', namespace: 'default' } },
        ],
        'current-context': 'bootstrap',
      });
      // 3. The WEC's own API server as the hub should know it.
      const external = k.dryRun ? `https://${w.name}-control-plane:6443` : await wecExternalServer(k, w.name);
      const vars = {
        registry: MATRIX.ocm.registry,
        tag: MATRIX.ocm.imageTag,
        clusterName: w.name,
        hubServer,
        externalServerURL: external,
        bootstrapKubeconfigB64: Buffer.from(bootstrap).toString('base64'),
      };
      // 4. CRD first, Established, then the operator and the Klusterlet.
      const [crd] = renderObjects('klusterlet/00-crd.yaml', vars);
      await wec().apply(crd);
      k.x.note('wait: CRD klusterlets.operator.open-cluster-management.io Established');
      if (!k.dryRun) {
        const ok = await k.waitFor(
          async () => (conditionTrue(await wec().get(refOf(crd)), 'Established') ? true : undefined),
          Math.min(deadline, Date.now() + MIN),
        );
        if (!ok)
          throw new KindError('E-CRD-NOT-ESTABLISHED', `the Klusterlet CRD is not Established on ${w.name}`);
      }
      for (const o of renderObjects('klusterlet/01-operator.yaml', vars)) await wec().apply(o);
      for (const o of renderObjects('klusterlet/02-agent.yaml', vars)) {
        if (o.kind !== 'Klusterlet' || k.dryRun) {
          await wec().apply(o);
          continue;
        }
        // The API server may serve a just-established CRD a moment later.
        const applied = await k.waitFor(
          () =>
            wec()
              .apply(o)
              .catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))),
          Math.min(deadline, Date.now() + MIN),
        );
        if (!applied)
          throw new KindError('E-CRD-NOT-ESTABLISHED', `the Klusterlet kind is not served on ${w.name}`);
      }
    },
    verify: async () =>
      (await its().get(managedClusterRef(w.name)))
        ? true
        : `waiting for the agent to create ManagedCluster ${w.name}`,
    diagnose: async () =>
      (await diagnosePods(wec(), 'open-cluster-management', w.name)) ??
      (await diagnosePods(wec(), 'open-cluster-management-agent', w.name)) ??
      new KindError(
        'E-CSR-MISSING',
        `the klusterlet agent on ${w.name} never reached hub ${hubServer || w.its}`,
      ),
    undo: async () => {
      await its()
        .remove(managedClusterRef(w.name))
        .catch(() => false);
      if (w.existing) await removeKlusterlet(k, wec());
    },
  });

  const joined = async (): Promise<true | string> => {
    const mc = await its().get(managedClusterRef(w.name));
    if (!mc) return `ManagedCluster ${w.name} missing`;
    if (!(mc as { spec?: { hubAcceptsClient?: boolean } }).spec?.hubAcceptsClient) return 'not accepted yet';
    if (!conditionTrue(mc, 'ManagedClusterJoined')) return 'not joined yet';
    if (!conditionTrue(mc, 'ManagedClusterConditionAvailable')) return 'not available yet';
    return true;
  };
  await k.session.step({
    title: `Accept ${w.name} in ${w.its} (approve its CSR)`,
    timeoutMs: 5 * MIN,
    waitFor: `ManagedCluster ${w.name} accepted, ManagedClusterJoined and ManagedClusterConditionAvailable True`,
    observe: async () => ((await joined()) === true ? 'accepted and joined' : undefined),
    act: async (deadline) => {
      k.x.note(
        `wait for CSRs labelled ${CLUSTER_NAME_LABEL}=${w.name} from the bootstrap identity (up to ${CSR_WAIT_MS / 1000}s)`,
      );
      if (!k.dryRun) {
        const list = async () =>
          registrationCsrs(
            (await its().list(CSR_API, 'CertificateSigningRequest', {
              labelSelector: `${CLUSTER_NAME_LABEL}=${w.name}`,
            })) as Csr[],
            w.name,
          );
        const csrs = await k.waitFor(
          async () => {
            const l = await list();
            return l.length ? l : undefined;
          },
          Math.min(deadline, Date.now() + CSR_WAIT_MS),
        );
        if (!csrs)
          throw new KindError(
            'E-CSR-MISSING',
            `no registration CSR from ${w.name} reached ${w.its} within ${CSR_WAIT_MS / 1000}s`,
          );
        const pending = csrs.filter((c) => !csrDecided(c));
        const names = new Set(pending.map(csrCommonName));
        if (names.size > 1)
          throw new KindError(
            'E-CSR-AMBIGUOUS',
            `${pending.length} pending CSRs for ${w.name} from different agents: ${[...names].join(', ')}`,
          );
        for (const c of pending) {
          const approved = structuredClone(c);
          approved.status = {
            ...(approved.status ?? {}),
            conditions: [
              ...(approved.status?.conditions ?? []),
              {
                type: 'Approved',
                status: 'True',
                reason: 'KstellarApprove',
                message: `approved by kstellar register-wec ${w.name}`,
              } as never,
            ],
          };
          await its().updateSubresource(approved, 'approval');
        }
      } else k.x.plan.line(`approve them (certificatesigningrequests/<name>/approval) in ${w.its}`);
      await its().patch(managedClusterRef(w.name), { spec: { hubAcceptsClient: true } }, 'merge');
    },
    verify: joined,
  });

  const labelsMissing = async (): Promise<boolean> => {
    const mc = await its().get(managedClusterRef(w.name));
    const have = mc?.metadata?.labels ?? {};
    return Object.entries(w.labels).some(([key, v]) => have[key] !== v);
  };
  await k.session.step({
    title: `Labels on ${w.name}: ${
      Object.entries(w.labels)
        .map(([key, v]) => `${key}=${v}`)
        .join(', ') || '(none)'
    }`,
    timeoutMs: MIN,
    observe: async () => ((await labelsMissing()) ? undefined : 'in place'),
    act: async () => {
      if (Object.keys(w.labels).length)
        await its().patch(managedClusterRef(w.name), { metadata: { labels: w.labels } }, 'merge');
    },
  });

  const addon = {
    apiVersion: 'addon.open-cluster-management.io/v1alpha1',
    kind: 'ManagedClusterAddOn',
    name: 'addon-status',
    namespace: w.name,
  };
  const addonState = async (): Promise<true | string> => {
    const a = await its().get(addon);
    if (!a) return 'ManagedClusterAddOn addon-status not created yet';
    return conditionTrue(a, 'Available') ? true : 'status add-on agent not available yet';
  };
  await k.session.step({
    title: `Status add-on agent on ${w.name}`,
    timeoutMs: 5 * MIN,
    waitFor: `ManagedClusterAddOn ${w.name}/addon-status Available`,
    observe: async () => ((await addonState()) === true ? 'available' : undefined),
    act: async () => undefined,
    verify: addonState,
    diagnose: async () => diagnosePods(wec(), 'open-cluster-management-agent-addon', w.name),
  });
}

function serverOfSecret(s: KObject | undefined): string | undefined {
  const b64 = (s as { data?: Record<string, string> } | undefined)?.data?.kubeconfig;
  if (!b64) return undefined;
  try {
    return serverOf(Buffer.from(b64, 'base64').toString('utf8')).server;
  } catch {
    return undefined;
  }
}

async function rootCa(its: KubeOps): Promise<string> {
  const cm = await its.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'kube-root-ca.crt',
    namespace: 'kube-public',
  });
  const pem = (cm as { data?: Record<string, string> } | undefined)?.data?.['ca.crt'];
  if (!pem)
    throw new KindError('E-CLUSTER-INFO', 'the hub publishes no CA (cluster-info nor kube-root-ca.crt)');
  return Buffer.from(pem).toString('base64');
}

/** The WEC's API server as seen from other containers: its cluster-info, else its kubeconfig. */
async function wecExternalServer(k: KindRuntime, name: string): Promise<string> {
  const cm = await k
    .kube(name)
    .get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cluster-info', namespace: 'kube-public' });
  const text = (cm as { data?: { kubeconfig?: string } } | undefined)?.data?.kubeconfig;
  if (text) return serverOf(text).server;
  return serverOf(k.target(name).kubeconfig).server;
}

/** Removes the klusterlet kstellar installed on a cluster it does not own (best effort). */
export async function removeKlusterlet(k: KindRuntime, wec: KubeOps): Promise<void> {
  const kl = { apiVersion: 'operator.open-cluster-management.io/v1', kind: 'Klusterlet', name: 'klusterlet' };
  await wec.remove(kl);
  if (!k.dryRun) await k.waitFor(async () => ((await wec.get(kl)) ? undefined : true), Date.now() + MIN);
  for (const ns of [
    'open-cluster-management-agent-addon',
    'open-cluster-management-agent',
    'open-cluster-management',
  ])
    await wec.remove({ apiVersion: 'v1', kind: 'Namespace', name: ns });
  await wec.remove({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    name: 'klusterlet',
  });
  await wec.remove({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'klusterlet' });
}
