import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ownedContexts } from '../kubeconfig-merge.js';
import { readState } from '../state.js';
import { KindError } from './errors.js';
import { harness } from './testing/setup.js';

const HOSTING_WRITES = [
  '$ kind create cluster --name kubeflex --config - --kubeconfig <home>/kind/kind.kubeconfig --wait <t>',
  '$ helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx --version 4.12.1 --namespace ingress-nginx --create-namespace --kubeconfig <home>/kind/kubeconfigs/kind-kubeflex.yaml --values -',
  '$ helm upgrade --install kubeflex-operator oci://ghcr.io/kubestellar/kubeflex/chart/kubeflex-operator --version v0.9.3 --namespace kubeflex-system --create-namespace --kubeconfig <home>/kind/kubeconfigs/kind-kubeflex.yaml --values - --timeout <t>',
];

const ITS_WRITES = [
  'kube kind-kubeflex apply ControlPlane its1',
  '$ helm upgrade --install cluster-manager cluster-manager --repo https://open-cluster-management.io/helm-charts --version 1.0.0 --namespace open-cluster-management --create-namespace --kubeconfig <home>/kind/kubeconfigs/its1.yaml --values -',
  '$ helm upgrade --install status-addon oci://ghcr.io/kubestellar/ocm-status-addon-chart --version v0.2.0-rc17 --namespace open-cluster-management --kubeconfig <home>/kind/kubeconfigs/its1.yaml --values - --timeout <t>',
  'kube its1 apply Namespace customization-properties',
];

const WDS_WRITES = [
  'kube kind-kubeflex apply ControlPlane wds1',
  'kube kind-kubeflex apply Secret wds1-system/kstellar-its-kubeconfig',
  'kube kind-kubeflex apply ServiceAccount wds1-system/kstellar-engine',
  'kube kind-kubeflex apply Deployment wds1-system/kstellar-engine',
];

const wecWrites = (c: string) => [
  `$ kind create cluster --name ${c} --kubeconfig <home>/kind/kind.kubeconfig --wait <t>`,
  'kube its1 token open-cluster-management/agent-registration-bootstrap',
  `kube ${c} apply CustomResourceDefinition klusterlets.operator.open-cluster-management.io`,
  `kube ${c} apply Namespace open-cluster-management`,
  `kube ${c} apply ServiceAccount open-cluster-management/klusterlet`,
  `kube ${c} apply ClusterRole klusterlet`,
  `kube ${c} apply ClusterRoleBinding klusterlet`,
  `kube ${c} apply Deployment open-cluster-management/klusterlet`,
  `kube ${c} apply Namespace open-cluster-management-agent`,
  `kube ${c} apply Secret open-cluster-management-agent/bootstrap-hub-kubeconfig`,
  `kube ${c} apply Klusterlet klusterlet`,
  `kube its1 approval CertificateSigningRequest ${c}-abcde`,
  `kube its1 patch ManagedCluster ${c} {"spec":{"hubAcceptsClient":true}}`,
  `kube its1 patch ManagedCluster ${c} {"metadata":{"labels":{"location-group":"edge","name":"${c}"}}}`,
];

describe('kind provider: init', () => {
  it('runs preflight, then creates the hosting cluster, ingress and KubeFlex in order', async () => {
    const h = harness();
    const out = await h.provider.init({});
    expect(out.changed).toBe(true);
    expect(h.norm(h.world.writes())).toEqual(HOSTING_WRITES);
    // Preflight came first, before anything was created.
    const cmds = h.world.commands();
    expect(cmds[0]).toBe(`docker info --format '{{json .}}'`);
    expect(cmds.indexOf(`docker info --format '{{json .}}'`)).toBeLessThan(
      cmds.findIndex((c) => c.startsWith('kind create')),
    );
    // kind got the port mapping and ingress label on stdin; helm got the passthrough flag.
    const ingress = h.world.releases.get('kubeflex/ingress-nginx')!.values as any;
    expect(ingress.controller.extraArgs['enable-ssl-passthrough']).toBe('true');
    expect(h.world.clusters.get('kubeflex')!.hostPort).toBe(9443);
    const kubeflex = h.world.releases.get('kubeflex/kubeflex-operator')!;
    expect(kubeflex.version).toBe('v0.9.3');
    expect(kubeflex.values).toMatchObject({
      hostContainer: 'kubeflex-control-plane',
      externalPort: '9443',
      domain: 'localtest.me',
    });
    // The context is merged (owned by this home), kind never touched the user's kubeconfig.
    expect(ownedContexts(h.kubeconfigPath, h.home)).toEqual(['kind-kubeflex']);
    expect(readState(h.home)?.provider).toBe('kind');
    const state = JSON.parse(readFileSync(join(h.home, 'kind', 'state.json'), 'utf8'));
    expect(state.hosting).toEqual({ name: 'kubeflex', port: 9443, domain: 'localtest.me', created: true });
    // Every command line was shown at --verbose.
    expect(h.norm(h.ui.lines)).toContain(
      'verbose: $ kind create cluster --name kubeflex --config - --kubeconfig <home>/kind/kind.kubeconfig --wait <t>',
    );
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    const h = harness();
    await h.provider.init({});
    const before = h.world.writes().length;
    h.ui.lines.length = 0;
    const again = await h.again().init({});
    expect(again.changed).toBe(false);
    expect(h.world.writes().length).toBe(before);
    const steps = h.ui.lines.filter((l) => /^(ok|skip|fail) /.test(l));
    expect(steps).toEqual([
      'skip Preflight checks: 10 passed',
      'skip Tools: kind v0.29.0 (PATH), helm v3.18.4 (PATH)',
      'skip Hosting kind cluster kubeflex (host port 9443 -> ingress 443): already exists',
      `skip Kubeconfig context kind-kubeflex: in ${h.kubeconfigPath}`,
      'skip Ingress controller (ingress-nginx 4.12.1, SSL passthrough): running with SSL passthrough',
      'skip KubeFlex operator v0.9.3 with PostgreSQL: running',
    ]);
  });

  it('--quickstart builds its1, wds1 and two registered, labelled WECs; a re-run is a no-op', async () => {
    const h = harness();
    await h.provider.init({ quickstart: true });
    expect(h.norm(h.world.writes())).toEqual([
      ...HOSTING_WRITES,
      ...ITS_WRITES,
      ...WDS_WRITES,
      ...wecWrites('cluster1'),
      ...wecWrites('cluster2'),
    ]);
    const inv = await h.provider.inventory();
    expect(inv.spaces.map((s) => [s.name, s.type, s.ready])).toEqual([
      ['its1', 'its', true],
      ['wds1', 'wds', true],
    ]);
    expect(inv.wecs.map((w) => [w.name, w.ready, w.managed, w.labels])).toEqual([
      ['cluster1', true, true, { 'location-group': 'edge', name: 'cluster1' }],
      ['cluster2', true, true, { 'location-group': 'edge', name: 'cluster2' }],
    ]);
    // Space kubeconfigs are named after the space and point at the ingress URL.
    const its1 = parse(inv.spaces[0].kubeconfig!);
    expect(its1['current-context']).toBe('its1');
    expect(its1.clusters[0].cluster.server).toBe('https://its1.localtest.me:9443');
    expect(ownedContexts(h.kubeconfigPath, h.home).sort()).toEqual([
      'cluster1',
      'cluster2',
      'its1',
      'kind-kubeflex',
      'wds1',
    ]);

    const before = h.world.writes().length;
    const again = await h.again().init({ quickstart: true });
    expect(again.changed).toBe(false);
    expect(h.world.writes().length).toBe(before);
  });

  it('the bootstrap kubeconfig carries the hub in-cluster endpoint and a fresh token, the Klusterlet the WEC name', async () => {
    const h = harness();
    await h.provider.init({ quickstart: true });
    const secret = h.world.applied.find((a) => a.target === 'cluster1' && a.obj.kind === 'Secret')!.obj;
    const boot = parse(Buffer.from(secret.data.kubeconfig, 'base64').toString('utf8'));
    expect(boot.clusters[0].cluster.server).toBe('https://kubeflex-control-plane:31443');
    expect(boot['current-context']).toBe('bootstrap');
    expect(h.world.tokens.has(boot.users[0].user.token)).toBe(true);
    const kl = h.world.applied.find((a) => a.target === 'cluster1' && a.obj.kind === 'Klusterlet')!.obj;
    expect(kl.spec).toMatchObject({
      clusterName: 'cluster1',
      deployOption: { mode: 'Singleton' },
      imagePullSpec: 'quay.io/open-cluster-management/registration-operator:v1.0.0',
      externalServerURLs: [{ url: 'https://cluster1-control-plane:6443' }],
    });
    // The token was never written to disk by kstellar.
    const files = ['kind/state.json', 'kind/kubeconfigs/cluster1.yaml'].map((f) =>
      readFileSync(join(h.home, f), 'utf8'),
    );
    expect(files.some((f) => f.includes(boot.users[0].user.token))).toBe(false);
  });
});

describe('kind provider: failures', () => {
  it('cleans up what it created when a step fails, and reports the catalogue error', async () => {
    const h = harness();
    h.world.fail(/helm upgrade --install kubeflex-operator/, {
      exitCode: 1,
      stderr:
        'Error: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token: 403 Forbidden',
    });
    const err = await h.provider.init({}).catch((e) => e);
    expect(err).toBeInstanceOf(KindError);
    expect(err.code).toBe('E-HELM-AUTH');
    expect(err.message).toMatch(/install the KubeFlex operator failed/);
    expect(err.hint).toMatch(/docker\/config\.json/);
    expect(err.hint).toMatch(/removed what this run had created/);
    expect(h.norm(h.world.writes())).toEqual([
      ...HOSTING_WRITES,
      '$ kind delete cluster --name kubeflex --kubeconfig <home>/kind/kind.kubeconfig',
    ]);
    expect(h.world.clusters.size).toBe(0);
    expect(JSON.parse(readFileSync(join(h.home, 'kind', 'state.json'), 'utf8')).hosting).toBeUndefined();
    expect(h.ui.lines).toContain(
      'ok Cleaned up: Hosting kind cluster kubeflex (host port 9443 -> ingress 443)',
    );
  });

  it('--retain keeps what was created and says how to remove it', async () => {
    const h = harness({ retain: true });
    h.world.fail(/helm upgrade --install ingress-nginx/, {
      exitCode: 1,
      stderr: 'Error: INSTALLATION FAILED: timed out waiting for the condition',
    });
    const err = await h.provider.init({}).catch((e) => e);
    expect(err.code).toBe('E-COMMAND');
    expect(err.hint).toMatch(/left in place because of --retain/);
    expect(h.world.commands().some((c) => c.startsWith('kind delete'))).toBe(false);
    expect(h.world.clusters.has('kubeflex')).toBe(true);
    // `down` knows about it.
    await h.again().down({});
    expect(h.world.clusters.size).toBe(0);
  });

  it('a tool that times out fails the step with E-TIMEOUT', async () => {
    const h = harness();
    h.world.fail(/kind create cluster --name kubeflex/, { timedOut: true, stderr: '' });
    const err = await h.provider.init({}).catch((e) => e);
    expect(err.code).toBe('E-TIMEOUT');
    expect(err.message).toMatch(
      /create kind cluster kubeflex: `kind create cluster --name kubeflex .*` timed out/,
    );
  });

  it('a verify that never succeeds times out with the step and what it waited for', async () => {
    const h = harness();
    await h.provider.init({});
    h.world.cpNeverReady = true;
    const err = await h
      .again()
      .createIts('its1', { timeoutMs: 50 })
      .catch((e) => e);
    expect(err.code).toBe('E-TIMEOUT');
    expect(err.message).toMatch(
      /KubeFlex control plane its1 \(vcluster, ITS\): not ready after 50ms: ControlPlane its1 not Ready yet/,
    );
    // The ControlPlane it applied was deleted again; the space is not recorded.
    expect(h.world.writes().slice(-1)).toEqual(['kube kind-kubeflex delete ControlPlane its1']);
    expect((await h.provider.inventory()).spaces).toEqual([]);
  });

  it('an existing hosting cluster on another port is reported, not reused', async () => {
    const h = harness({ port: 9555, skipPreflight: true });
    await h.again({ port: 9443, skipPreflight: true }).init({});
    // A second home wanting port 9555 finds kubeflex on 9443.
    const other = harness({ port: 9555, skipPreflight: true }, h.world);
    const err = await other.provider.init({}).catch((e) => e);
    expect(err.code).toBe('E-PORT-BUSY');
    expect(err.message).toMatch(/publishes its port 443 on 127\.0\.0\.1:9443, not 9555/);
  });

  it('a WEC name taken by a kind cluster kstellar did not create is refused', async () => {
    const h = harness();
    await h.provider.init({});
    await h.again().createIts('its1', {});
    await h.world.runner.run('kind', ['create', 'cluster', '--name', 'cluster9']);
    const err = await h
      .again()
      .registerWec('cluster9', { its: 'its1', labels: {} })
      .catch((e) => e);
    expect(err.code).toBe('E-NAME-COLLISION');
    expect(h.world.clusters.has('cluster9')).toBe(true);
  });

  it('"already exists" from kind surfaces the tool message', async () => {
    const h = harness();
    h.world.fail(/kind create cluster --name kubeflex/, {
      exitCode: 1,
      stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "kubeflex"',
    });
    const err = await h.provider.init({}).catch((e) => e);
    expect(err.message).toMatch(/node\(s\) already exist for a cluster with the name "kubeflex"/);
  });

  it('stops before acting when preflight blocks (exit 3, table with fixes)', async () => {
    const h = harness();
    h.world.docker.running = false;
    const err = await h.provider.init({}).catch((e) => e);
    expect(err.code).toBe('E-PREFLIGHT');
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/P1 container runtime: Cannot connect to the Docker daemon/);
    expect(err.hint).toMatch(/fix P1 \(container runtime\): start the docker daemon/);
    expect(h.world.writes()).toEqual([]);
  });

  it('a missing kind that cannot be downloaded stops before anything is created, saying what to install', async () => {
    const h = harness();
    h.world.kindVersion = undefined;
    const err = await h.provider.init({}).catch((e) => e);
    expect(err.code).toBe('E-TOOL');
    expect(err.message).toMatch(/kind is not installed, and kstellar could not fetch the pinned v0\.29\.0/);
    expect(err.hint).toMatch(/install kind v0\.29\.0/);
    expect(h.ui.lines).toContain(
      'warning: P4 tool: kind: not installed (kstellar fetches the pinned kind v0.29.0 into KSTELLAR_HOME/bin (sha256-checked); to avoid the download, install kind v0.29.0 (https://kind.sigs.k8s.io/docs/user/quick-start/#installation))',
    );
    expect(h.world.writes()).toEqual([]);
  });

  it('create imbs before init says to run init', async () => {
    const h = harness();
    const err = await h.provider.createIts('its1', {}).catch((e) => e);
    expect(err.code).toBe('E-NOT-INITIALIZED');
    expect(err.exitCode).toBe(3);
    expect(err.hint).toMatch(/kstellar init --provider kind/);
  });
});

describe('kind provider: create wds (engine)', () => {
  it('loads a local engine image into the hosting cluster, flattening it when kind cannot import it', async () => {
    const h = harness();
    await h.provider.init({});
    await h.again().createIts('its1', {});
    h.world.docker.images.add('kstellar:test');
    h.world.docker.multiArch.add('kstellar:test');
    const n = h.world.log.length;
    await h.again().createWds('wds1', {});
    const cmds = h.world.log.slice(n).filter((l) => /^\$ (kind load|docker build)/.test(l));
    expect(cmds).toEqual([
      '$ kind load docker-image kstellar:test --name kubeflex',
      '$ docker build -t kstellar:test -',
      '$ kind load docker-image kstellar:test --name kubeflex',
    ]);
    expect(h.ui.lines.some((l) => l.includes('E-KIND-LOAD-DIGEST'))).toBe(true);
    // The engine gets the ITS in-cluster kubeconfig copied from KubeFlex's secret.
    const secret = h.world.applied.find((a) => a.obj.metadata?.name === 'kstellar-its-kubeconfig')!.obj;
    expect(Buffer.from(secret.data.kubeconfig, 'base64').toString()).toContain(
      'https://vcluster.its1-system',
    );
    const dep = h.world.applied.find(
      (a) => a.obj.kind === 'Deployment' && a.obj.metadata?.name === 'kstellar-engine',
    )!.obj;
    expect(dep.spec.template.spec.containers[0].args).toContain('--wds-name=wds1');
    expect(dep.spec.template.spec.volumes[0].secret).toEqual({
      secretName: 'admin-kubeconfig',
      items: [{ key: 'kubeconfig-incluster', path: 'kubeconfig' }],
    });
  });

  it('an engine that cannot pull its image fails with E-IMAGE-PULL and is removed again', async () => {
    const h = harness();
    await h.provider.init({});
    await h.again().createIts('its1', {});
    h.world.engineImagePullFails = true;
    const err = await h
      .again()
      .createWds('wds1', { timeoutMs: 50 })
      .catch((e) => e);
    expect(err.code).toBe('E-IMAGE-PULL');
    expect(err.message).toMatch(
      /kstellar-engine-abc: container engine cannot pull its image \(ImagePullBackOff\)/,
    );
    expect(h.world.writes().slice(-4)).toEqual([
      'kube kind-kubeflex delete Deployment wds1-system/kstellar-engine',
      'kube kind-kubeflex delete ServiceAccount wds1-system/kstellar-engine',
      'kube kind-kubeflex delete Secret wds1-system/kstellar-its-kubeconfig',
      'kube kind-kubeflex delete ControlPlane wds1',
    ]);
    expect((await h.provider.inventory()).spaces.map((s) => s.name)).toEqual(['its1']);
  });

  it('needs an ITS, and picks the only one', async () => {
    const h = harness();
    await h.provider.init({});
    const err = await h
      .again()
      .createWds('wds1', {})
      .catch((e) => e);
    expect(err.message).toMatch(/no ITS exists yet/);
    await h.again().createIts('its1', {});
    await h.again().createWds('wds1', {});
    expect((await h.provider.inventory()).spaces.find((s) => s.name === 'wds1')?.its).toBe('its1');
  });
});

describe('kind provider: register-wec', () => {
  async function withIts() {
    const h = harness();
    await h.provider.init({});
    await h.again().createIts('its1', {});
    return h;
  }

  it('reports E-CSR-MISSING when the agent never asks to join, and removes the cluster it created', async () => {
    const h = await withIts();
    h.world.csrNever = true;
    const err = await h
      .again()
      .registerWec('cluster1', { its: 'its1', labels: {}, timeoutMs: 100 })
      .catch((e) => e);
    expect(err.code).toBe('E-CSR-MISSING');
    expect(err.hint).toMatch(/klusterlet-agent/);
    expect(h.world.clusters.has('cluster1')).toBe(false);
    expect((await h.provider.inventory()).wecs).toEqual([]);
  });

  it('uses the legacy bootstrap service account with a warning (E-VERSION-CLUSTERADM)', async () => {
    const h = harness();
    h.world.legacyBootstrapSA = true;
    await h.provider.init({});
    await h.again().createIts('its1', {});
    await h.again().registerWec('cluster1', { its: 'its1', labels: { env: 'test' } });
    expect(h.world.writes()).toContain('kube its1 token open-cluster-management/cluster-bootstrap');
    expect(h.ui.lines.some((l) => l.startsWith('warning: [E-VERSION-CLUSTERADM]'))).toBe(true);
    expect((await h.provider.inventory()).wecs[0]).toMatchObject({
      name: 'cluster1',
      ready: true,
      labels: { env: 'test' },
    });
  });

  it('refuses a cluster whose klusterlet serves another cluster name', async () => {
    const h = await withIts();
    await h.again().registerWec('cluster1', { its: 'its1', labels: {} });
    // Someone renamed the klusterlet's cluster on the WEC.
    const wec = h.world.clusters.get('cluster1')!;
    const kl = wec.get({
      apiVersion: 'operator.open-cluster-management.io/v1',
      kind: 'Klusterlet',
      name: 'klusterlet',
    })!;
    wec.put({ ...kl, spec: { ...kl.spec, clusterName: 'other' } });
    const err = await h
      .again()
      .registerWec('cluster1', { its: 'its1', labels: {} })
      .catch((e) => e);
    expect(err.code).toBe('E-KLUSTERLET-MISMATCH');
  });

  it('registers an existing cluster from a kubeconfig without creating or merging anything for it', async () => {
    const h = await withIts();
    await h.world.runner.run('kind', ['create', 'cluster', '--name', 'edge7']);
    const kc = join(h.home, 'edge7.kubeconfig');
    const text = (await h.world.runner.run('kind', ['get', 'kubeconfig', '--name', 'edge7'])).stdout;
    (await import('node:fs')).writeFileSync(kc, text);
    await h.again().registerWec('edge7', { its: 'its1', labels: { site: 'x' }, kubeconfig: kc });
    const inv = await h.provider.inventory();
    expect(inv.wecs[0]).toMatchObject({ name: 'edge7', managed: false, ready: true });
    expect(ownedContexts(h.kubeconfigPath, h.home)).not.toContain('edge7');
    // down removes the klusterlet but keeps the cluster.
    await h.again().down({});
    expect(h.world.clusters.has('edge7')).toBe(true);
    expect(h.world.writes()).toContain('kube edge7 delete Klusterlet klusterlet');
  });
});

describe('kind provider: down', () => {
  it('deletes the WEC and hosting clusters it created, its contexts and state; a second down is a no-op', async () => {
    const h = harness();
    await h.provider.init({ quickstart: true });
    const n = h.world.writes().length;
    const out = await h.again().down({});
    expect(out.changed).toBe(true);
    expect(h.norm(h.world.writes().slice(n))).toEqual([
      '$ kind delete cluster --name cluster2 --kubeconfig <home>/kind/kind.kubeconfig',
      '$ kind delete cluster --name cluster1 --kubeconfig <home>/kind/kind.kubeconfig',
      '$ kind delete cluster --name kubeflex --kubeconfig <home>/kind/kind.kubeconfig',
    ]);
    expect(h.world.clusters.size).toBe(0);
    expect(ownedContexts(h.kubeconfigPath, h.home)).toEqual([]);
    expect(existsSync(join(h.home, 'kind'))).toBe(false);
    expect(readState(h.home)).toBeUndefined();
    h.ui.lines.length = 0;
    const again = await h.again().down({});
    expect(again.changed).toBe(false);
    expect(h.ui.lines).toEqual([`skip Nothing to remove: no kind installation recorded in ${h.home}`]);
  });

  it('tolerates clusters that are already gone', async () => {
    const h = harness();
    await h.provider.init({ quickstart: true });
    await h.world.runner.run('kind', ['delete', 'cluster', '--name', 'cluster1']);
    await h.again().down({});
    expect(h.ui.lines).toContain('skip Delete WEC kind cluster cluster1: already gone');
    expect(h.world.clusters.size).toBe(0);
  });
});

describe('kind provider: --dry-run', () => {
  it('prints the whole ordered plan and runs nothing', async () => {
    const h = harness();
    const out = await h.provider.init({ quickstart: true, dryRun: true });
    expect(out.changed).toBe(false);
    expect(h.world.log).toEqual([]);
    expect(existsSync(join(h.home, 'kind'))).toBe(false);
    const plan = h.norm(h.out).join('');
    const titles = [...plan.matchAll(/^(\d+)\. (.*)$/gm)].map((m) => m[2]);
    expect(titles.slice(0, 6)).toEqual([
      'Preflight checks',
      'Tools',
      'Hosting kind cluster kubeflex (host port 9443 -> ingress 443)',
      'Kubeconfig context kind-kubeflex',
      'Ingress controller (ingress-nginx 4.12.1, SSL passthrough)',
      'KubeFlex operator v0.9.3 with PostgreSQL',
    ]);
    expect(titles).toContain('OCM hub in its1 (cluster-manager 1.0.0)');
    expect(titles).toContain('Engine for wds1 (kstellar controller run, delivering through its1)');
    expect(titles).toContain('Accept cluster2 in its1 (approve its CSR)');
    // Commands, stdin (kind config, Helm values) and manifests are all there.
    expect(plan).toContain(
      '$ kind create cluster --name kubeflex --config - --kubeconfig <home>/kind/kind.kubeconfig --wait <t>',
    );
    expect(plan).toMatch(/kind config \(stdin\):\n(.*\n)*?\s+hostPort: 9443/);
    expect(plan).toMatch(/Helm values \(stdin\):\n(.*\n)*?\s+enable-ssl-passthrough: "true"/);
    expect(plan).toMatch(/kind: ControlPlane\n\s+metadata:\n\s+name: its1/);
    expect(plan).toMatch(/kind: Klusterlet\n\s+metadata:\n\s+name: klusterlet/);
    expect(plan).toContain(
      'request a 3600s token for serviceaccount open-cluster-management/agent-registration-bootstrap in its1',
    );
    // Secrets are never printed.
    expect(plan).toMatch(/kubeconfig: <redacted, \d+ bytes>/);
    expect(plan).not.toContain('<token>');
  });

  it('prints the plan of down without removing anything', async () => {
    const h = harness();
    await h.provider.init({ quickstart: true });
    const n = h.world.log.length;
    await h.again({ dryRun: true }).down({});
    expect(h.world.log.length).toBe(n);
    const plan = h.norm(h.out).join('');
    expect(plan).toContain('$ kind delete cluster --name cluster2');
    expect(plan).toContain('$ kind delete cluster --name kubeflex');
    expect(plan).toContain('remove contexts kind-kubeflex, its1, wds1, cluster1, cluster2');
    expect(h.world.clusters.size).toBe(3);
  });
});
