/**
 * `init --provider kind`: the hosting kind cluster (ingress port mapping), ingress-nginx with SSL
 * passthrough, and the KubeFlex operator with its PostgreSQL, each observe -> act -> verify.
 */
import { KindError } from './errors.js';
import { diagnosePods, jobFailure } from './diagnose.js';
import { conditionTrue, deploymentAvailable, statefulSetReady } from './kube.js';
import { hostContainerOf, hostingContextOf, type KindRuntime } from './runtime.js';
import { renderText } from './templates.js';
import { kubeconfigFile } from './state.js';
import { MATRIX } from './versions.js';

const MIN = 60_000;

/** Seconds left before `deadline`, as a kind/helm duration, at least 30 s. */
export function remaining(deadline: number): string {
  if (!Number.isFinite(deadline)) return '300s';
  return `${Math.max(30, Math.floor((deadline - Date.now()) / 1000))}s`;
}

export function runnerTimeout(deadline: number): number | undefined {
  return Number.isFinite(deadline) ? Math.max(30_000, deadline - Date.now() + 15_000) : undefined;
}

/** All nodes of a cluster Ready, or what is missing. */
export async function nodesReady(k: KindRuntime, target: string): Promise<true | string> {
  const nodes = await k.kube(target).list('v1', 'Node');
  if (!nodes.length) return 'no nodes registered yet';
  const notReady = nodes.filter((n) => !conditionTrue(n, 'Ready')).map((n) => n.metadata?.name);
  return notReady.length ? `node ${notReady.join(', ')} not Ready` : true;
}

export async function hostingSteps(k: KindRuntime): Promise<void> {
  const s = k.settings;
  const ctxName = hostingContextOf(s);

  await k.session.step({
    title: `Hosting kind cluster ${s.hostingName} (host port ${s.port} -> ingress 443)`,
    timeoutMs: 5 * MIN,
    waitFor: `node ${hostContainerOf(s)} Ready`,
    observe: async () => {
      if (!(await k.kindClusters()).includes(s.hostingName)) return undefined;
      const r = await k.x.query('docker', ['port', hostContainerOf(s), '443/tcp'], 30_000);
      const ports = r.stdout.split('\n').map((l) => l.trim().split(':').pop());
      if (r.exitCode === 0 && !ports.includes(String(s.port)))
        throw new KindError(
          'E-PORT-BUSY',
          `kind cluster ${s.hostingName} exists but publishes its port 443 on ${r.stdout.trim() || 'no host port'}, not ${s.port}`,
          { hint: `use --port with the port it has, or delete it (\`kstellar down\`) and run init again` },
        );
      if (!k.state.hosting)
        k.state.hosting = { name: s.hostingName, port: s.port, domain: s.domain, created: true };
      return 'already exists';
    },
    act: async (deadline) => {
      await k.x.run(
        'kind',
        [
          'create',
          'cluster',
          '--name',
          s.hostingName,
          '--config',
          '-',
          '--kubeconfig',
          k.kindKubeconfigFile,
          '--wait',
          remaining(deadline),
        ],
        {
          what: `create kind cluster ${s.hostingName}`,
          input: renderText('hosting-cluster.yaml', { port: s.port, listenAddress: s.listenAddress }),
          inputLabel: 'kind config (stdin)',
          timeoutMs: runnerTimeout(deadline),
        },
      );
      k.state.hosting = { name: s.hostingName, port: s.port, domain: s.domain, created: true };
      k.save();
      // Fresh cluster: refresh the private kubeconfig (a stale one may survive from an earlier run).
      k.storeKubeconfig(ctxName, await k.kindKubeconfig(s.hostingName, ctxName), false);
    },
    verify: () => nodesReady(k, ctxName),
    undo: async () => {
      await k.x.run(
        'kind',
        ['delete', 'cluster', '--name', s.hostingName, '--kubeconfig', k.kindKubeconfigFile],
        {
          what: `delete kind cluster ${s.hostingName}`,
        },
      );
      k.removeKubeconfigFile(ctxName);
      k.state.hosting = undefined;
      k.save();
    },
  });

  await k.session.step({
    title: `Kubeconfig context ${ctxName}`,
    timeoutMs: MIN,
    observe: async () => {
      const text = await k.kindKubeconfig(s.hostingName, ctxName);
      return k.kubeconfigInPlace(ctxName, text, true) ? `in ${k.ctx.kubeconfigPath}` : undefined;
    },
    act: async () => k.storeKubeconfig(ctxName, await k.kindKubeconfig(s.hostingName, ctxName), true),
  });

  const ingress = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'ingress-nginx-controller',
    namespace: 'ingress-nginx',
  };
  const ingressState = async (): Promise<true | string> => {
    const d = await (await k.hosting()).get(ingress);
    if (!d) return 'ingress-nginx-controller not created yet';
    const args: string[] = (d as any).spec?.template?.spec?.containers?.[0]?.args ?? [];
    if (!args.some((a) => a === '--enable-ssl-passthrough' || a.startsWith('--enable-ssl-passthrough=true')))
      return 'ingress-nginx-controller runs without --enable-ssl-passthrough';
    return deploymentAvailable(d) ? true : 'ingress-nginx-controller not available yet';
  };
  await k.session.step({
    title: `Ingress controller (ingress-nginx ${MATRIX.ingressNginx.version}, SSL passthrough)`,
    timeoutMs: 5 * MIN,
    waitFor: 'deployment ingress-nginx/ingress-nginx-controller Available with --enable-ssl-passthrough',
    observe: async () => ((await ingressState()) === true ? 'running with SSL passthrough' : undefined),
    act: async (deadline) => {
      const t = await k.hostingTarget();
      await k.x.run(
        'helm',
        [
          'upgrade',
          '--install',
          'ingress-nginx',
          MATRIX.ingressNginx.chart,
          '--repo',
          MATRIX.ingressNginx.repo,
          '--version',
          MATRIX.ingressNginx.version,
          '--namespace',
          'ingress-nginx',
          '--create-namespace',
          '--kubeconfig',
          kubeconfigPathOf(k, t.name),
          '--values',
          '-',
        ],
        {
          what: 'install ingress-nginx',
          input: renderText('ingress-nginx-values.yaml', {}),
          inputLabel: 'Helm values (stdin)',
          timeoutMs: runnerTimeout(deadline),
        },
      );
    },
    verify: ingressState,
    diagnose: async () => diagnosePods(await k.hosting(), 'ingress-nginx', ctxName),
  });

  const kubeflexState = async (): Promise<true | string> => {
    const h = await k.hosting();
    const crd = await h.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'controlplanes.tenancy.kflex.kubestellar.org',
    });
    if (!conditionTrue(crd, 'Established')) return 'ControlPlane CRD not established yet';
    const op = await h.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'kubeflex-controller-manager',
      namespace: 'kubeflex-system',
    });
    if (!deploymentAvailable(op)) return 'kubeflex-controller-manager not available yet';
    const pg = await h.get({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'postgres-postgresql',
      namespace: 'kubeflex-system',
    });
    if (!statefulSetReady(pg)) return 'PostgreSQL (postgres-postgresql) not ready yet';
    return true;
  };
  await k.session.step({
    title: `KubeFlex operator ${MATRIX.kubeflex.version} with PostgreSQL`,
    timeoutMs: 10 * MIN,
    waitFor:
      'CRD controlplanes Established, kubeflex-controller-manager Available, postgres-postgresql Ready',
    observe: async () => ((await kubeflexState()) === true ? 'running' : undefined),
    act: async (deadline) => {
      const t = await k.hostingTarget();
      await k.x.run(
        'helm',
        [
          'upgrade',
          '--install',
          'kubeflex-operator',
          MATRIX.kubeflex.chart,
          '--version',
          MATRIX.kubeflex.version,
          '--namespace',
          'kubeflex-system',
          '--create-namespace',
          '--kubeconfig',
          kubeconfigPathOf(k, t.name),
          '--values',
          '-',
          // post-install hook (the PostgreSQL install Job) must finish within the step.
          '--timeout',
          remaining(deadline),
        ],
        {
          what: 'install the KubeFlex operator',
          input: renderText('kubeflex-values.yaml', {
            domain: s.domain,
            port: s.port,
            hostContainer: hostContainerOf(s),
          }),
          inputLabel: 'Helm values (stdin)',
          timeoutMs: runnerTimeout(deadline),
        },
      );
    },
    verify: kubeflexState,
    diagnose: async () => {
      const h = await k.hosting();
      const job = await h.get({
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'kubeflex-operator-install-postgresql',
        namespace: 'kubeflex-system',
      });
      return jobFailure(job, ctxName) ?? (await diagnosePods(h, 'kubeflex-system', ctxName));
    },
  });
}

/** The private kubeconfig file of a target, for tools (helm --kubeconfig). */
export function kubeconfigPathOf(k: KindRuntime, name: string): string {
  return kubeconfigFile(k.layout, name);
}
