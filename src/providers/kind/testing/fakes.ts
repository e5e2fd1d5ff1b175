/**
 * A fake world for plan tests of the kind provider: a Runner that answers like docker, kind and
 * helm do (including "already exists", failures and timeouts), and a KubeFactory over in-memory
 * API servers whose "controllers" react the way KubeFlex, the OCM hub and the klusterlet would.
 * Everything the provider does lands in `world.log`, in order, so tests can assert the plan.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KObject } from '../../../api/meta.js';
import { ApiError } from '../../../kube/errors.js';
import { describeRef, serverOf, type KubeFactory, type KubeOps, type ObjRef } from '../kube.js';
import { formatCommand, type RunResult, type Runner } from '../runner.js';

x509.cryptoProvider.set(webcrypto as never);

const clone = <T>(o: T): T => structuredClone(o);
const cond = (type: string, status = 'True') => ({
  type,
  status,
  reason: 'Fake',
  message: '',
  lastTransitionTime: '2024-01-01T00:00:00Z',
});
const notFound = (what: string) =>
  new ApiError(404, { reason: 'NotFound', code: 404, message: `${what} not found` }, 'fake');

export function fakeKubeconfig(name: string, server: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: { server, 'certificate-authority-data': Buffer.from(`ca of ${name}`).toString('base64') },
      },
    ],
    users: [{ name, user: { token: `admin-${name}` } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
}

/** One API server. */
export class FakeApi {
  readonly objects = new Map<string, KObject>();
  readonly served = new Set<string>();
  kubeflex?: { hostContainer: string; port: number; domain: string };
  hub = false;
  statusAddon = false;

  constructor(
    readonly world: FakeWorld,
    readonly name: string,
  ) {}

  static key(r: { apiVersion?: string; kind?: string; namespace?: string; name?: string }): string {
    return `${r.apiVersion}|${r.kind}|${r.namespace ?? ''}|${r.name}`;
  }

  get(r: ObjRef): KObject | undefined {
    const o = this.objects.get(FakeApi.key(r));
    return o ? clone(o) : undefined;
  }

  put(o: KObject): KObject {
    const copy = clone(o);
    copy.metadata = { ...copy.metadata, generation: (copy.metadata?.generation ?? 0) + 1 };
    this.objects.set(
      FakeApi.key({
        apiVersion: copy.apiVersion,
        kind: copy.kind,
        namespace: copy.metadata?.namespace,
        name: copy.metadata?.name,
      }),
      copy,
    );
    return clone(copy);
  }

  list(apiVersion: string, kind: string, o: { namespace?: string; labelSelector?: string } = {}): KObject[] {
    const sel = (o.labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map((p) => p.split('='));
    return [...this.objects.values()]
      .filter((x) => x.apiVersion === apiVersion && x.kind === kind)
      .filter((x) => !o.namespace || x.metadata?.namespace === o.namespace)
      .filter((x) => sel.every(([k, v]) => x.metadata?.labels?.[k] === v))
      .map(clone);
  }

  remove(r: ObjRef): boolean {
    return this.objects.delete(FakeApi.key(r));
  }
}

interface Rule {
  match: RegExp;
  answer: Partial<RunResult>;
  times: number;
}

export class FakeWorld {
  readonly log: string[] = [];
  /** Every object applied, with the target it went to (for manifest validation). */
  readonly applied: { target: string; obj: KObject }[] = [];
  readonly docker = {
    running: true,
    ncpu: 8,
    memBytes: 16 * 1024 ** 3,
    os: 'Ubuntu 24.04',
    images: new Set<string>(),
    /** `<cluster>|<image>` loaded into a kind node. */
    nodeImages: new Set<string>(),
    /** Images kind cannot import until flattened (E-KIND-LOAD-DIGEST). */
    multiArch: new Set<string>(),
  };
  kindVersion: string | undefined = 'kind v0.29.0 go1.24.2 linux/amd64';
  helmVersion: string | undefined = 'v3.18.4';
  kubectlVersion: string | undefined = 'v1.32.4';
  readonly clusters = new Map<string, FakeApi & { hostPort?: number }>();
  readonly spaces = new Map<string, FakeApi>();
  readonly servers = new Map<string, FakeApi>();
  readonly releases = new Map<string, { chart: string; version?: string; values: unknown }>();
  readonly tokens = new Set<string>();
  /** Behaviour switches. */
  cpNeverReady = false;
  csrNever = false;
  legacyBootstrapSA = false;
  engineImagePullFails = false;
  private readonly rules: Rule[] = [];
  private nextPort = 40000;
  private nextToken = 1;

  /** The next `times` commands matching `match` (on the formatted command line) answer `answer`. */
  fail(match: RegExp, answer: Partial<RunResult>, times = 1): void {
    this.rules.push({ match, answer, times });
  }

  /** Commands run so far (the `$ ...` lines of the log). */
  commands(): string[] {
    return this.log.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
  }

  /** Everything that changed something: mutating commands and Kubernetes writes. */
  writes(): string[] {
    return this.log.filter(
      (l) =>
        l.startsWith('kube ') ||
        /^\$ (kind (create|delete|load)|helm (upgrade|install|uninstall)|docker (build|run))/.test(l),
    );
  }

  readonly runner: Runner = {
    run: async (file, args, opts = {}) => {
      const tool = basename(file);
      const command = formatCommand(tool, args);
      this.log.push(`$ ${command}`);
      const rule = this.rules.find((r) => r.times > 0 && r.match.test(command));
      const done = (p: Partial<RunResult>): RunResult => ({
        command,
        exitCode: p.exitCode ?? 0,
        stdout: p.stdout ?? '',
        stderr: p.stderr ?? '',
        timedOut: p.timedOut ?? false,
        notFound: p.notFound ?? false,
      });
      if (rule) {
        rule.times--;
        return done(rule.answer.timedOut ? { exitCode: -1, ...rule.answer } : rule.answer);
      }
      return done(await this.answer(tool, args, opts.input));
    },
  };

  readonly kube: KubeFactory = (target) => {
    const api = this.servers.get(serverOf(target.kubeconfig).server);
    return this.ops(api, target.name);
  };

  private async answer(tool: string, a: readonly string[], input?: string): Promise<Partial<RunResult>> {
    const argv = [...a];
    const flag = (f: string) => {
      const i = argv.indexOf(f);
      return i >= 0 ? argv[i + 1] : undefined;
    };
    const is = (...w: string[]) => w.every((x, i) => argv[i] === x);
    if (tool === 'docker' || tool === 'podman') {
      if (!this.docker.running && !is('version'))
        return {
          exitCode: 1,
          stderr:
            'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
        };
      if (is('info'))
        return flag('--format') === '{{.ServerVersion}}'
          ? { stdout: '28.2.2' }
          : {
              stdout: JSON.stringify({
                NCPU: this.docker.ncpu,
                MemTotal: this.docker.memBytes,
                OperatingSystem: this.docker.os,
                ServerVersion: '28.2.2',
              }),
            };
      if (is('port')) {
        const c = this.clusters.get(argv[1].replace(/-control-plane$/, ''));
        return c
          ? { stdout: c.hostPort ? `127.0.0.1:${c.hostPort}` : '' }
          : { exitCode: 1, stderr: `Error: No such container: ${argv[1]}` };
      }
      if (is('ps')) {
        const p = Number((flag('--filter') ?? '').replace('publish=', ''));
        return {
          stdout: [...this.clusters.values()]
            .filter((c) => c.hostPort === p)
            .map((c) => `${c.name}-control-plane`)
            .join('\n'),
        };
      }
      if (is('image', 'inspect'))
        return this.docker.images.has(argv[2])
          ? { stdout: `sha256:${argv[2].length}` }
          : { exitCode: 1, stderr: `Error: No such image: ${argv[2]}` };
      if (is('exec'))
        return this.docker.nodeImages.has(`${argv[1].replace(/-control-plane$/, '')}|${argv[4]}`)
          ? { stdout: '{}' }
          : { exitCode: 1, stderr: 'no such image' };
      if (is('build')) {
        const img = flag('-t')!;
        this.docker.multiArch.delete(img);
        return { stdout: `Successfully tagged ${img}` };
      }
      if (is('run')) return { stdout: '524288\n512' };
      return { exitCode: 1, stderr: `fake docker: unsupported ${argv.join(' ')}` };
    }
    if (tool === 'kind') {
      if (this.kindVersion === undefined) return { exitCode: -1, notFound: true };
      if (is('version')) return { stdout: this.kindVersion };
      if (is('get', 'clusters'))
        return this.clusters.size
          ? { stdout: [...this.clusters.keys()].join('\n') }
          : { stderr: 'No kind clusters found.' };
      if (is('get', 'kubeconfig')) {
        const c = this.clusters.get(flag('--name')!);
        return c
          ? { stdout: fakeKubeconfig(`kind-${c.name}`, this.serverOf(c)) }
          : {
              exitCode: 1,
              stderr: `ERROR: could not locate any control plane nodes for cluster named '${flag('--name')}'`,
            };
      }
      if (is('create', 'cluster')) return this.createCluster(flag('--name')!, input);
      if (is('delete', 'cluster')) {
        const c = this.clusters.get(flag('--name')!);
        if (c) {
          this.clusters.delete(c.name);
          // Deleting the hosting cluster takes its control planes with it.
          const gone = new Set<FakeApi>([c, ...(c.kubeflex ? this.spaces.values() : [])]);
          if (c.kubeflex) this.spaces.clear();
          for (const [k, v] of this.servers) if (gone.has(v)) this.servers.delete(k);
        }
        return { stderr: `Deleting cluster "${flag('--name')}" ...` };
      }
      if (is('load', 'docker-image')) {
        const img = argv[2];
        if (!this.docker.images.has(img))
          return { exitCode: 1, stderr: `ERROR: image: "${img}" not present locally` };
        if (this.docker.multiArch.has(img))
          return {
            exitCode: 1,
            stderr: `ERROR: failed to load image: command "docker exec --privileged -i ${flag('--name')}-control-plane ctr --namespace=k8s.io images import --all-platforms --digests --snapshotter=overlayfs -" failed with error: exit status 1\nctr: content digest sha256:abc: not found`,
          };
        this.docker.nodeImages.add(`${flag('--name')}|${img}`);
        return {
          stderr: `Image: "${img}" with ID "sha256:1" not yet present on node "${flag('--name')}-control-plane", loading...`,
        };
      }
      return { exitCode: 1, stderr: `fake kind: unsupported ${argv.join(' ')}` };
    }
    if (tool === 'helm') {
      if (this.helmVersion === undefined) return { exitCode: -1, notFound: true };
      if (is('version')) return { stdout: this.helmVersion };
      if (is('upgrade', '--install'))
        return this.helmInstall(argv[2], argv[3], flag('--version'), flag('--kubeconfig')!, input);
      return { exitCode: 1, stderr: `fake helm: unsupported ${argv.join(' ')}` };
    }
    if (tool === 'kubectl') {
      if (this.kubectlVersion === undefined) return { exitCode: -1, notFound: true };
      return { stdout: JSON.stringify({ clientVersion: { gitVersion: this.kubectlVersion } }) };
    }
    return { exitCode: -1, notFound: true };
  }

  private serverOf(api: FakeApi): string {
    for (const [k, v] of this.servers) if (v === api && k.startsWith('https://127.0.0.1')) return k;
    throw new Error(`no server for ${api.name}`);
  }

  private createCluster(name: string, input?: string): Partial<RunResult> {
    if (this.clusters.has(name))
      return {
        exitCode: 1,
        stderr: `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"`,
      };
    const api = new FakeApi(this, name) as FakeApi & { hostPort?: number };
    if (input) api.hostPort = (parse(input) as any).nodes?.[0]?.extraPortMappings?.[0]?.hostPort;
    this.clusters.set(name, api);
    this.servers.set(`https://127.0.0.1:${this.nextPort++}`, api);
    this.servers.set(`https://${name}-control-plane:6443`, api);
    api.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `${name}-control-plane` },
      status: { conditions: [cond('Ready')] },
    });
    api.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cluster-info', namespace: 'kube-public' },
      data: { kubeconfig: fakeKubeconfig('', `https://${name}-control-plane:6443`) },
    });
    return { stderr: `Creating cluster "${name}" ...\n ✓ Ensuring node image` };
  }

  private helmInstall(
    release: string,
    chart: string,
    version: string | undefined,
    kubeconfig: string,
    input?: string,
  ): Partial<RunResult> {
    const api = this.servers.get(serverOf(readFileSync(kubeconfig, 'utf8')).server);
    if (!api) return { exitCode: 1, stderr: 'Error: Kubernetes cluster unreachable: connection refused' };
    const values = input ? parse(input) : {};
    this.releases.set(`${api.name}/${release}`, { chart, version, values });
    const deploy = (ns: string, name: string, args: string[] = []) =>
      api.put({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns },
        spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', args }] } } },
        status: { observedGeneration: 99, replicas: 1, availableReplicas: 1, updatedReplicas: 1 },
      });
    if (chart === 'ingress-nginx') {
      const extra = (values as any)?.controller?.extraArgs ?? {};
      deploy('ingress-nginx', 'ingress-nginx-controller', [
        '/nginx-ingress-controller',
        ...Object.entries(extra).map(([k, v]) => `--${k}=${v}`),
      ]);
    } else if (chart.endsWith('kubeflex-operator')) {
      api.put({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'controlplanes.tenancy.kflex.kubestellar.org' },
        status: { conditions: [cond('Established')] },
      });
      deploy('kubeflex-system', 'kubeflex-controller-manager');
      api.put({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'postgres-postgresql', namespace: 'kubeflex-system' },
        spec: { replicas: 1 },
        status: { readyReplicas: 1 },
      });
      const v = values as { hostContainer: string; externalPort: string; domain: string };
      api.kubeflex = { hostContainer: v.hostContainer, port: Number(v.externalPort), domain: v.domain };
    } else if (chart === 'cluster-manager') {
      api.hub = true;
      api.served.add('cluster.open-cluster-management.io/v1/managedclusters');
      api.put({
        apiVersion: 'operator.open-cluster-management.io/v1',
        kind: 'ClusterManager',
        metadata: { name: 'cluster-manager' },
        status: { conditions: [cond('Applied')] },
      });
      api.put({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: this.legacyBootstrapSA ? 'cluster-bootstrap' : 'agent-registration-bootstrap',
          namespace: 'open-cluster-management',
        },
      });
    } else if (chart.endsWith('ocm-status-addon-chart')) {
      api.statusAddon = true;
      deploy('open-cluster-management', 'addon-status-controller');
      api.put({
        apiVersion: 'addon.open-cluster-management.io/v1alpha1',
        kind: 'ClusterManagementAddOn',
        metadata: { name: 'addon-status' },
      });
    }
    return { stdout: `Release "${release}" has been upgraded. Happy Helming!` };
  }

  private ops(api: FakeApi | undefined, name: string): KubeOps {
    const need = (): FakeApi => {
      if (!api)
        throw Object.assign(new Error(`connect ECONNREFUSED (fake ${name})`), { code: 'ECONNREFUSED' });
      return api;
    };
    const log = (s: string) => this.log.push(`kube ${name} ${s}`);
    return {
      get: async (r) => need().get(r),
      list: async (av, kind, o) => need().list(av, kind, o),
      serves: async (av, res) => need().served.has(`${av}/${res}`),
      apply: async (o) => {
        const a = need();
        log(
          `apply ${describeRef({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '', namespace: o.metadata?.namespace })}`,
        );
        this.applied.push({ target: name, obj: clone(o) });
        const prior = a.get({
          apiVersion: o.apiVersion ?? '',
          kind: o.kind ?? '',
          name: o.metadata?.name ?? '',
          namespace: o.metadata?.namespace,
        });
        const merged = { ...o, ...(prior?.status ? { status: prior.status } : {}) };
        const out = a.put(merged);
        await this.react(a, out);
        return out;
      },
      patch: async (r, p, type) => {
        const a = need();
        log(`patch ${describeRef(r)} ${JSON.stringify(p)}`);
        const o = a.get(r);
        if (!o) throw notFound(describeRef(r));
        const patch = p as { spec?: object; metadata?: { labels?: object } };
        const next = {
          ...o,
          spec: { ...o.spec, ...patch.spec },
          metadata: { ...o.metadata, labels: { ...o.metadata?.labels, ...patch.metadata?.labels } },
        };
        void type;
        const out = a.put(next);
        await this.react(a, out);
        return out;
      },
      updateSubresource: async (o, sub) => {
        const a = need();
        log(`${sub} ${o.kind} ${o.metadata?.name}`);
        const out = a.put(o);
        await this.react(a, out);
        return out;
      },
      remove: async (r) => {
        const a = need();
        log(`delete ${describeRef(r)}`);
        if (r.kind === 'ControlPlane') this.spaces.delete(r.name);
        return a.remove(r);
      },
      createToken: async (ns, sa) => {
        const a = need();
        if (!a.get({ apiVersion: 'v1', kind: 'ServiceAccount', name: sa, namespace: ns }))
          throw notFound(`serviceaccount ${ns}/${sa}`);
        log(`token ${ns}/${sa}`);
        const t = `token-${this.nextToken++}`;
        this.tokens.add(t);
        return t;
      },
    };
  }

  /** What the controllers of a real installation would do after a write. */
  private async react(api: FakeApi, o: KObject): Promise<void> {
    if (o.kind === 'ControlPlane' && api.kubeflex && !this.cpNeverReady) this.controlPlane(api, o);
    if (o.kind === 'Deployment' && o.metadata?.name === 'kstellar-engine') {
      if (this.engineImagePullFails) {
        api.put({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'kstellar-engine-abc',
            namespace: o.metadata.namespace,
            labels: { 'app.kubernetes.io/name': 'kstellar-engine' },
          },
          status: {
            containerStatuses: [
              {
                name: 'engine',
                state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
              },
            ],
          },
        });
      } else api.put({ ...o, status: { observedGeneration: 99, availableReplicas: 1, updatedReplicas: 1 } });
    }
    if (
      o.kind === 'CustomResourceDefinition' &&
      o.metadata?.name === 'klusterlets.operator.open-cluster-management.io'
    ) {
      api.put({ ...o, status: { conditions: [cond('Established')] } });
      api.served.add('operator.open-cluster-management.io/v1/klusterlets');
    }
    if (o.kind === 'Klusterlet') await this.klusterlet(api, o);
    if (o.kind === 'CertificateSigningRequest' || (o.kind === 'ManagedCluster' && o.spec?.hubAcceptsClient))
      this.maybeJoin(api);
  }

  private controlPlane(hosting: FakeApi, cp: KObject): void {
    const name = cp.metadata!.name!;
    const kf = hosting.kubeflex!;
    const ns = `${name}-system`;
    const vcluster = cp.spec?.type === 'vcluster';
    const space = this.spaces.get(name) ?? new FakeApi(this, name);
    this.spaces.set(name, space);
    const external = `https://${name}.${kf.domain}:${kf.port}`;
    const inCluster = vcluster ? `https://vcluster.${ns}` : `https://${name}.${ns}.svc.cluster.local`;
    this.servers.set(external, space);
    const secret = vcluster
      ? { name: 'vc-vcluster', key: 'config', inClusterKey: 'config-incluster' }
      : { name: 'admin-kubeconfig', key: 'kubeconfig', inClusterKey: 'kubeconfig-incluster' };
    hosting.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret.name, namespace: ns },
      data: {
        [secret.key]: Buffer.from(fakeKubeconfig(vcluster ? 'my-vcluster' : name, external)).toString(
          'base64',
        ),
        [secret.inClusterKey]: Buffer.from(fakeKubeconfig('in-cluster', inCluster)).toString('base64'),
      },
    });
    hosting.put({
      ...cp,
      status: {
        conditions: [cond('Synced'), cond('Ready')],
        observedGeneration: 1,
        secretRef: { namespace: ns, ...secret },
      },
    });
    if (vcluster) {
      const internal = `https://${kf.hostContainer}:31443`;
      this.servers.set(internal, space);
      space.put({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cluster-info', namespace: 'kube-public' },
        data: { kubeconfig: fakeKubeconfig('', internal) },
      });
      hosting.put({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'update-cluster-info', namespace: ns },
        status: { succeeded: 1, conditions: [cond('Complete')] },
      });
    }
  }

  private async klusterlet(wec: FakeApi, kl: KObject): Promise<void> {
    const secret = wec.get({
      apiVersion: 'v1',
      kind: 'Secret',
      name: 'bootstrap-hub-kubeconfig',
      namespace: 'open-cluster-management-agent',
    });
    if (!secret) return;
    const boot = parse(Buffer.from(secret.data.kubeconfig, 'base64').toString('utf8'));
    const hub = this.servers.get(boot.clusters[0].cluster.server);
    if (!hub?.hub || !this.tokens.has(boot.users[0].user.token)) return;
    const name = kl.spec.clusterName;
    if (!hub.get({ apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', name }))
      hub.put({
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: { name },
        spec: { hubAcceptsClient: false },
      });
    if (this.csrNever) return;
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    const req = await x509.Pkcs10CertificateRequestGenerator.create({
      name: `CN=system:open-cluster-management:${name}:agent1, O=system:open-cluster-management:${name}`,
      keys: keys as never,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    hub.put({
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: `${name}-abcde`, labels: { 'open-cluster-management.io/cluster-name': name } },
      spec: {
        request: Buffer.from(req.toString('pem')).toString('base64'),
        signerName: 'kubernetes.io/kube-apiserver-client',
        username: `system:serviceaccount:open-cluster-management:${this.legacyBootstrapSA ? 'cluster-bootstrap' : 'agent-registration-bootstrap'}`,
      },
    });
  }

  private maybeJoin(hub: FakeApi): void {
    for (const mc of hub.list('cluster.open-cluster-management.io/v1', 'ManagedCluster')) {
      const name = mc.metadata!.name!;
      const approved = hub
        .list('certificates.k8s.io/v1', 'CertificateSigningRequest', {
          labelSelector: `open-cluster-management.io/cluster-name=${name}`,
        })
        .some((c) => (c.status?.conditions ?? []).some((x: { type: string }) => x.type === 'Approved'));
      if (!mc.spec?.hubAcceptsClient || !approved || (mc.status?.conditions ?? []).length) continue;
      hub.put({
        ...mc,
        status: {
          conditions: [
            cond('HubAcceptedManagedCluster'),
            cond('ManagedClusterJoined'),
            cond('ManagedClusterConditionAvailable'),
          ],
        },
      });
      hub.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      if (hub.statusAddon)
        hub.put({
          apiVersion: 'addon.open-cluster-management.io/v1alpha1',
          kind: 'ManagedClusterAddOn',
          metadata: { name: 'addon-status', namespace: name },
          status: { conditions: [cond('Available')] },
        });
    }
  }
}

/** A Fetcher serving fixed bytes per URL (anything else fails like an offline machine). */
export function fakeFetcher(files: Record<string, Uint8Array>, log: string[] = []) {
  return {
    log,
    async fetch(url: string): Promise<Uint8Array> {
      log.push(url);
      const f = files[url];
      if (!f) throw new Error('getaddrinfo ENOTFOUND github.com');
      return f;
    },
  };
}
