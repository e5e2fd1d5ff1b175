/**
 * `create imbs` and `create wds` on kind: a KubeFlex ControlPlane per space (vcluster for an ITS,
 * k8s for a WDS), its kubeconfig, then for an ITS the OCM hub (cluster-manager chart), KubeStellar's
 * status add-on and the customization-properties namespace; for a WDS the engine as a container.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../api/meta.js';
import { diagnosePods, jobFailure } from './diagnose.js';
import { KindError } from './errors.js';
import { conditionTrue, deploymentAvailable, refOf, renameKubeconfig, serverOf } from './kube.js';
import {
  CONTROL_PLANE_API,
  hostContainerOf,
  hostingContextOf,
  KindRuntime,
  type SecretRef,
} from './runtime.js';
import { kubeconfigPathOf, remaining, runnerTimeout } from './steps-hosting.js';
import { renderObjects, renderText } from './templates.js';
import { MATRIX } from './versions.js';

const MIN = 60_000;

const CP_SECRETS: Record<'its' | 'wds', SecretRef & { key: string }> = {
  its: { namespace: '', name: 'vc-vcluster', key: 'config', inClusterKey: 'config-incluster' },
  wds: { namespace: '', name: 'admin-kubeconfig', key: 'kubeconfig', inClusterKey: 'kubeconfig-incluster' },
};

const cpTypeOf = (kind: 'its' | 'wds') => (kind === 'its' ? 'vcluster' : 'k8s');

/** Where a ready control plane's kubeconfigs are (status.secretRef, else KubeFlex's defaults). */
export function secretsOf(
  cp: KObject | undefined,
  name: string,
  kind: 'its' | 'wds',
): SecretRef & { key: string } {
  const ref = KindRuntime.secretRefOf(cp);
  const d = CP_SECRETS[kind];
  return {
    namespace: ref?.namespace ?? `${name}-system`,
    name: ref?.name ?? d.name,
    key: ref?.key || d.key,
    inClusterKey: ref?.inClusterKey ?? d.inClusterKey,
  };
}

/** The ControlPlane and its kubeconfig (private file + context `name`). */
export async function controlPlaneSteps(k: KindRuntime, name: string, kind: 'its' | 'wds'): Promise<void> {
  const type = cpTypeOf(kind);
  const cpRef = { apiVersion: CONTROL_PLANE_API, kind: 'ControlPlane', name };
  const cpState = async (): Promise<true | string> => {
    const cp = await k.controlPlane(name);
    if (!cp) return `ControlPlane ${name} not created yet`;
    if (!KindRuntime.cpReady(cp)) return `ControlPlane ${name} not Ready yet`;
    const ref = KindRuntime.secretRefOf(cp);
    if (!ref) return `ControlPlane ${name} has no kubeconfig secret yet`;
    const sec = secretsOf(cp, name, kind);
    for (const key of [sec.key, sec.inClusterKey])
      if ((await k.secretValue(sec.namespace, sec.name, key)) === undefined)
        return `secret ${sec.namespace}/${sec.name} has no key ${key} yet`;
    return true;
  };
  await k.session.step({
    title: `KubeFlex control plane ${name} (${type}, ${kind === 'its' ? 'ITS' : 'WDS'})`,
    timeoutMs: 10 * MIN,
    waitFor: `ControlPlane ${name} Ready with its kubeconfig secret`,
    observe: async () => {
      const cp = await k.controlPlane(name);
      if (!cp) return undefined;
      const have = (cp as { spec?: { type?: string } }).spec?.type;
      if (have !== type)
        throw new KindError(
          'E-NAME-COLLISION',
          `a control plane named ${name} exists with type ${have}, not ${type}`,
          {
            hint: `choose another name, or delete it (\`kubectl --context ${hostingContextOf(k.settings)} delete controlplane ${name}\`)`,
          },
        );
      return (await cpState()) === true ? 'Ready' : undefined;
    },
    act: async () => {
      const [cp] = renderObjects('controlplane.yaml', { name, cptype: kind, type });
      await (await k.hosting()).apply(cp);
    },
    verify: cpState,
    diagnose: async () => {
      const cp = await k.controlPlane(name);
      if (KindRuntime.cpReady(cp)) {
        const sec = secretsOf(cp, name, kind);
        return new KindError(
          'E-SECRET-KEY-MISSING',
          `ControlPlane ${name} is Ready but secret ${sec.namespace}/${sec.name} lacks ${sec.key} or ${sec.inClusterKey}`,
        );
      }
      return diagnosePods(await k.hosting(), `${name}-system`, hostingContextOf(k.settings));
    },
    undo: async () => {
      await (await k.hosting()).remove(cpRef);
      k.removeKubeconfigFile(name);
    },
  });

  const kubeconfigText = async (): Promise<string> => {
    if (k.dryRun) return renameKubeconfig(k.readKubeconfig(name)!, name);
    const cp = await k.controlPlane(name);
    const sec = secretsOf(cp, name, kind);
    const raw = await k.secretValue(sec.namespace, sec.name, sec.key);
    if (!raw)
      throw new KindError(
        'E-SECRET-KEY-MISSING',
        `secret ${sec.namespace}/${sec.name} has no key ${sec.key}`,
      );
    return renameKubeconfig(raw, name);
  };
  await k.session.step({
    title: `Kubeconfig context ${name}`,
    timeoutMs: MIN,
    observe: async () =>
      k.kubeconfigInPlace(name, await kubeconfigText(), true) ? `in ${k.ctx.kubeconfigPath}` : undefined,
    act: async () => {
      k.x.note(
        `read the kubeconfig from KubeFlex secret ${name}-system/${CP_SECRETS[kind].name} (key ${CP_SECRETS[kind].key})`,
      );
      k.storeKubeconfig(name, await kubeconfigText(), true);
    },
  });
}

/** ITS: the OCM hub, the status add-on and the customization-properties namespace. */
export async function itsSteps(k: KindRuntime, name: string): Promise<void> {
  const s = k.settings;
  await controlPlaneSteps(k, name, 'its');

  // WECs reach the hub through the hosting node's NodePort, which KubeFlex writes into the ITS's
  // kube-public/cluster-info; registration reads the endpoint from there.
  const clusterInfoState = async (): Promise<true | string> => {
    const job = await (
      await k.hosting()
    ).get({ apiVersion: 'batch/v1', kind: 'Job', name: 'update-cluster-info', namespace: `${name}-system` });
    const failed = jobFailure(job, hostingContextOf(s));
    if (failed) throw failed;
    const server = await clusterInfoServer(k, name);
    if (!server) return 'kube-public/cluster-info not written yet';
    return new URL(server).hostname === hostContainerOf(s) ? true : `cluster-info points at ${server}`;
  };
  await k.session.step({
    title: `In-cluster hub endpoint of ${name} (cluster-info)`,
    timeoutMs: 5 * MIN,
    waitFor: `kube-public/cluster-info in ${name} points at https://${hostContainerOf(s)}:<nodePort> (KubeFlex update-cluster-info Job)`,
    observe: async () =>
      (await clusterInfoState()) === true ? `https://${hostContainerOf(s)}:<nodePort> in place` : undefined,
    act: async () => undefined,
    verify: clusterInfoState,
    diagnose: async () => {
      const server = await clusterInfoServer(k, name).catch(() => undefined);
      return new KindError(
        'E-CLUSTER-INFO',
        `the cluster-info of ${name} points at ${server ?? 'nothing'}, not https://${hostContainerOf(s)}:<nodePort>`,
      );
    },
  });

  const hubState = async (): Promise<true | string> => {
    const its = k.kube(name);
    if (!(await its.serves('cluster.open-cluster-management.io/v1', 'managedclusters')))
      return 'ManagedCluster API not served yet';
    const cm = await its.get({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'ClusterManager',
      name: 'cluster-manager',
    });
    if (!conditionTrue(cm, 'Applied')) return 'ClusterManager cluster-manager not Applied yet';
    // clusteradm <= 0.10 named the bootstrap service account cluster-bootstrap; either will do.
    const sas = await Promise.all(
      ['agent-registration-bootstrap', 'cluster-bootstrap'].map((n) =>
        its.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: n, namespace: 'open-cluster-management' }),
      ),
    );
    if (!sas.some(Boolean)) return 'bootstrap service account not created yet';
    return true;
  };
  await k.session.step({
    title: `OCM hub in ${name} (cluster-manager ${MATRIX.ocm.version})`,
    timeoutMs: 10 * MIN,
    waitFor:
      'ManagedCluster API served, ClusterManager Applied, SA open-cluster-management/agent-registration-bootstrap',
    observe: async () => ((await hubState()) === true ? 'running' : undefined),
    act: async (deadline) => {
      await k.x.run(
        'helm',
        [
          'upgrade',
          '--install',
          'cluster-manager',
          MATRIX.ocm.clusterManagerChart,
          '--repo',
          MATRIX.ocm.repo,
          '--version',
          MATRIX.ocm.version,
          '--namespace',
          'open-cluster-management',
          '--create-namespace',
          '--kubeconfig',
          kubeconfigPathOf(k, name),
          '--values',
          '-',
        ],
        {
          what: `install the OCM cluster-manager into ${name}`,
          input: renderText('cluster-manager-values.yaml', {
            registry: MATRIX.ocm.registry,
            tag: MATRIX.ocm.imageTag,
          }),
          inputLabel: 'Helm values (stdin)',
          timeoutMs: runnerTimeout(deadline),
        },
      );
    },
    verify: hubState,
    diagnose: async () =>
      (await diagnosePods(k.kube(name), 'open-cluster-management', name)) ??
      (await diagnosePods(k.kube(name), 'open-cluster-management-hub', name)) ??
      new KindError('E-HUB-NOT-READY', `the OCM hub in ${name} did not become ready`),
  });

  const addonState = async (): Promise<true | string> => {
    const its = k.kube(name);
    const d = await its.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'addon-status-controller',
      namespace: 'open-cluster-management',
    });
    if (!deploymentAvailable(d)) return 'addon-status-controller not available yet';
    const cma = await its.get({
      apiVersion: 'addon.open-cluster-management.io/v1alpha1',
      kind: 'ClusterManagementAddOn',
      name: 'addon-status',
    });
    return cma ? true : 'ClusterManagementAddOn addon-status not created yet';
  };
  await k.session.step({
    title: `Status add-on in ${name} (ocm-status-addon ${MATRIX.statusAddon.version})`,
    timeoutMs: 5 * MIN,
    waitFor:
      'deployment open-cluster-management/addon-status-controller Available, ClusterManagementAddOn addon-status',
    observe: async () => ((await addonState()) === true ? 'running' : undefined),
    act: async (deadline) => {
      await k.x.run(
        'helm',
        [
          'upgrade',
          '--install',
          'status-addon',
          MATRIX.statusAddon.chart,
          '--version',
          MATRIX.statusAddon.version,
          '--namespace',
          'open-cluster-management',
          '--kubeconfig',
          kubeconfigPathOf(k, name),
          '--values',
          '-',
          '--timeout',
          remaining(deadline),
        ],
        {
          what: `install the status add-on into ${name}`,
          input: renderText('status-addon-values.yaml', {}),
          inputLabel: 'Helm values (stdin)',
          timeoutMs: runnerTimeout(deadline),
        },
      );
    },
    verify: addonState,
    diagnose: async () => diagnosePods(k.kube(name), 'open-cluster-management', name),
  });

  const ns = { apiVersion: 'v1', kind: 'Namespace', name: 'customization-properties' };
  await k.session.step({
    title: `Namespace customization-properties in ${name}`,
    timeoutMs: MIN,
    observe: async () => ((await k.kube(name).get(ns)) ? 'exists' : undefined),
    act: async () => {
      await k.kube(name).apply({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns.name, labels: { 'app.kubernetes.io/managed-by': 'kstellar' } },
      });
    },
    verify: async () => ((await k.kube(name).get(ns)) ? true : 'not created yet'),
  });
}

/** The server of an ITS's kube-public/cluster-info (undefined while absent). */
export async function clusterInfoServer(k: KindRuntime, its: string): Promise<string | undefined> {
  const cm = await k
    .kube(its)
    .get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'cluster-info', namespace: 'kube-public' });
  const text = (cm as { data?: { kubeconfig?: string } } | undefined)?.data?.kubeconfig;
  return text ? serverOf(text).server : undefined;
}

/** WDS: the engine (`kstellar controller run`) as a container in the hosting cluster. */
export async function wdsSteps(k: KindRuntime, name: string, its: string): Promise<void> {
  const s = k.settings;
  await controlPlaneSteps(k, name, 'wds');

  const image = s.engineImage;
  await k.session.step({
    title: `Engine image ${image} on ${hostingContextOf(s)}`,
    timeoutMs: 5 * MIN,
    observe: async () => {
      const local = await k.x.query('docker', ['image', 'inspect', image, '--format', '{{.Id}}'], 30_000);
      if (local.exitCode !== 0) return 'not a local image; the node pulls it from its registry';
      const onNode = await k.x.query(
        'docker',
        ['exec', hostContainerOf(s), 'crictl', 'inspecti', image],
        30_000,
      );
      return onNode.exitCode === 0 ? 'already loaded' : undefined;
    },
    act: async (deadline) => {
      k.x.note('(only when the image exists locally, e.g. built with `docker build -t <image> .`)');
      const load = () =>
        k.x.run('kind', ['load', 'docker-image', image, '--name', s.hostingName], {
          what: `load ${image} into kind cluster ${s.hostingName}`,
          timeoutMs: runnerTimeout(deadline),
        });
      try {
        await load();
      } catch (e) {
        if (!(e instanceof KindError) || e.code !== 'E-KIND-LOAD-DIGEST') throw e;
        // Multi-platform image kind cannot import: flatten to this platform and retry once.
        k.ctx.ui.warn(
          `kind cannot import ${image} as is (E-KIND-LOAD-DIGEST); retrying with a flattened copy`,
        );
        await k.x.run('docker', ['build', '-t', image, '-'], {
          what: `flatten ${image}`,
          input: `FROM ${image}\n`,
          timeoutMs: runnerTimeout(deadline),
        });
        await load();
      }
    },
  });

  const engineObjects = async (): Promise<KObject[]> => {
    const [itsCp, wdsCp] = k.dryRun
      ? [undefined, undefined]
      : await Promise.all([k.controlPlane(its), k.controlPlane(name)]);
    const itsSec = secretsOf(itsCp, its, 'its');
    const wdsSec = secretsOf(wdsCp, name, 'wds');
    const itsKubeconfig = k.dryRun
      ? `<copied from ${itsSec.namespace}/${itsSec.name} key ${itsSec.inClusterKey}>`
      : await k.secretValue(itsSec.namespace, itsSec.name, itsSec.inClusterKey);
    if (itsKubeconfig === undefined)
      throw new KindError(
        'E-SECRET-KEY-MISSING',
        `secret ${itsSec.namespace}/${itsSec.name} of ITS ${its} has no key ${itsSec.inClusterKey}`,
      );
    return renderObjects('engine.yaml', {
      namespace: wdsSec.namespace,
      wds: name,
      image,
      wdsSecret: wdsSec.name,
      wdsSecretKey: wdsSec.inClusterKey,
      itsSecret: itsSec.name,
      itsSecretNamespace: itsSec.namespace,
      itsSecretKey: itsSec.inClusterKey,
      itsKubeconfigB64: Buffer.from(itsKubeconfig).toString('base64'),
      itsKubeconfigSha256: createHash('sha256').update(itsKubeconfig).digest('hex'),
    });
  };
  const engineState = async (objs: KObject[]): Promise<true | string> => {
    const h = await k.hosting();
    const want = objs.find((o) => o.kind === 'Deployment')!;
    const have = await h.get(refOf(want));
    if (!have) return 'engine Deployment not created yet';
    const spec = (o: KObject) => (o as any).spec?.template;
    if (spec(have)?.spec?.containers?.[0]?.image !== spec(want).spec.containers[0].image)
      return 'engine image differs';
    const ann = 'kstellar.io/its-kubeconfig-sha256';
    if (spec(have)?.metadata?.annotations?.[ann] !== spec(want).metadata.annotations[ann])
      return 'ITS kubeconfig changed';
    return deploymentAvailable(have) ? true : 'engine not available yet';
  };
  let objects: KObject[] = [];
  await k.session.step({
    title: `Engine for ${name} (kstellar controller run, delivering through ${its})`,
    timeoutMs: 5 * MIN,
    waitFor: `deployment ${name}-system/kstellar-engine Available`,
    observe: async () => {
      objects = await engineObjects();
      return (await engineState(objects)) === true ? 'running' : undefined;
    },
    act: async () => {
      if (k.dryRun) objects = await engineObjects();
      const h = await k.hosting();
      for (const o of objects) await h.apply(o);
    },
    verify: () => engineState(objects),
    diagnose: async () =>
      diagnosePods(
        await k.hosting(),
        `${name}-system`,
        hostingContextOf(s),
        'app.kubernetes.io/name=kstellar-engine',
      ),
    undo: async () => {
      const h = await k.hosting();
      for (const o of [...objects].reverse()) await h.remove(refOf(o));
    },
  });
}
