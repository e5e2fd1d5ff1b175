import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa } from 'execa';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KSTELLAR_BIN, startSpaceProcess, tempDir, removeDir } from '../test/helpers/space-process.js';
import { Kubectl, eventually } from './helpers/kubectl.js';

/**
 * The built CLI on the embedded provider, as users run it: from an empty KSTELLAR_HOME and
 * KUBECONFIG, real kubectl against the contexts it writes, a real daemon process killed with -9.
 */

interface Install {
  home: string;
  kubeconfig: string;
  scratch: string;
  kubectl: Kubectl;
}

const installs: Install[] = [];

function newInstall(): Install {
  const scratch = tempDir('kstellar-cli-');
  const i: Install = {
    home: join(scratch, 'home'),
    kubeconfig: join(scratch, 'kube', 'config'),
    scratch,
    kubectl: undefined as unknown as Kubectl,
  };
  i.kubectl = new Kubectl(i.kubeconfig, join(scratch, 'kubectl'));
  installs.push(i);
  return i;
}

function kstellar(i: Install, args: string[], opts: { input?: string; timeoutMs?: number } = {}) {
  return execa(process.execPath, [KSTELLAR_BIN, ...args], {
    reject: false,
    timeout: opts.timeoutMs ?? 90_000,
    input: opts.input,
    env: { KSTELLAR_HOME: i.home, KUBECONFIG: i.kubeconfig, NO_COLOR: '1', CI: 'true' },
  });
}

afterAll(async () => {
  for (const i of installs) {
    await kstellar(i, ['down', '--yes']);
    removeDir(i.scratch);
  }
});

const NGINX_POLICY = `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: nginx
spec:
  clusterSelectors:
  - matchLabels: {location-group: edge}
  downsync:
  - objectSelectors:
    - matchLabels: {app.kubernetes.io/name: nginx}
`;

const NGINX = `apiVersion: v1
kind: Namespace
metadata:
  name: nginx
  labels: {app.kubernetes.io/name: nginx}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: nginx
  labels: {app.kubernetes.io/name: nginx}
spec:
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

describe('kstellar CLI, embedded provider: quickstart', () => {
  const i = newInstall();

  beforeAll(async () => {
    const r = await kstellar(i, ['init', '--provider', 'embedded', '--quickstart']);
    expect(r.exitCode, r.stderr).toBe(0);
  }, 120_000);

  it('without --provider, picks the embedded provider when no container runtime answers, and says so', async () => {
    const fresh = newInstall();
    const docker = await execa('docker', ['info'], { reject: false, timeout: 15_000 });
    const r = await kstellar(fresh, ['init', '--dry-run']);
    expect(r.stderr).toContain(docker.exitCode === 0 ? 'using the kind provider' : 'using the embedded provider');
    expect(existsSync(join(fresh.home, 'daemon.pid'))).toBe(false);
    expect(existsSync(join(fresh.home, 'state.json'))).toBe(false);
  });

  it('writes contexts named after spaces and WECs, mode 0600, and they work with kubectl', async () => {
    expect(statSync(i.kubeconfig).mode & 0o777).toBe(0o600);
    const cfg = parseYaml(readFileSync(i.kubeconfig, 'utf8'));
    expect(cfg.contexts.map((c: { name: string }) => c.name).sort()).toEqual([
      'cluster1',
      'cluster2',
      'its1',
      'wds1',
    ]);
    expect(cfg['current-context']).toBe('wds1');
    const mcs = await i.kubectl.ok(['--context', 'its1', 'get', 'managedclusters', '--show-labels']);
    expect(mcs).toMatch(/cluster1 .*True.*location-group=edge/);
    expect(mcs).toMatch(/cluster2 .*True.*name=cluster2/);
    expect(await i.kubectl.ok(['--context', 'cluster1', 'get', 'ns', 'default', '-o', 'name'])).toContain(
      'namespace/default',
    );
  });

  it('a second init changes nothing and says so', async () => {
    const r = await kstellar(i, ['init', '--quickstart']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('already running');
    expect(r.stderr).toContain('nothing changed');
  });

  it('delivers with a BindingPolicy applied by kubectl, and status shows it', async () => {
    await i.kubectl.ok(['--context', 'wds1', 'apply', '-f', '-'], { input: NGINX });
    await i.kubectl.ok(['--context', 'wds1', 'apply', '-f', '-'], { input: NGINX_POLICY });
    for (const wec of ['cluster1', 'cluster2'])
      await eventually(
        async () => {
          const r = await i.kubectl.run([
            '--context',
            wec,
            '-n',
            'nginx',
            'get',
            'deploy',
            'nginx',
            '-o',
            'jsonpath={.status.availableReplicas}',
          ]);
          return r.exitCode === 0 && r.stdout === '2';
        },
        20_000,
        `nginx available in ${wec}`,
      );
    const s = await kstellar(i, ['status', 'deployment/nginx', '-n', 'nginx', '-o', 'json']);
    expect(s.exitCode, s.stderr).toBe(0);
    const rows = JSON.parse(s.stdout).clusters;
    expect(rows.map((r: { cluster: string; state: string }) => `${r.cluster}:${r.state}`)).toEqual([
      'cluster1:available',
      'cluster2:available',
    ]);
    const all = await kstellar(i, ['status']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/wds1\s+WDS\s+its1\s+True/);
    expect(all.stdout).toMatch(/cluster1\s+its1\s+True\s+True/);
    expect(all.stdout).toMatch(/wds1\s+nginx\s+2\s+cluster1,cluster2\s+True/);
  });

  it('bind --dry-run shows the plan and changes nothing; bind --wait delivers', async () => {
    await i.kubectl.ok(['--context', 'wds1', 'create', 'configmap', 'settings', '--from-literal=a=1']);
    await i.kubectl.ok(['--context', 'wds1', 'label', 'configmap', 'settings', 'tier=config']);
    const dry = await kstellar(i, [
      'bind',
      'settings',
      '--cluster-selector',
      'name=cluster1',
      '--object-selector',
      'tier=config',
      '--dry-run',
    ]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/cluster1\s+ConfigMap\s+default\s+settings/);
    expect(dry.stdout).not.toContain('cluster2');
    expect(dry.stderr).toContain('nothing changed');
    const none = await i.kubectl.run(['--context', 'wds1', 'get', 'bindingpolicy', 'settings']);
    expect(none.exitCode).not.toBe(0);

    const bind = await kstellar(i, [
      'bind',
      'settings',
      '--cluster-selector',
      'name=cluster1',
      '--object-selector',
      'tier=config',
      '--wait',
      '--timeout',
      '30s',
    ]);
    expect(bind.exitCode, bind.stderr).toBe(0);
    expect(bind.stderr).toContain('bindingpolicy.control.kubestellar.io/settings created');
    expect(bind.stderr).toContain('1 object(s) available in 1 cluster(s) (cluster1)');
    expect(
      await i.kubectl.ok(['--context', 'cluster1', 'get', 'cm', 'settings', '-o', 'jsonpath={.data.a}']),
    ).toBe('1');
    expect((await i.kubectl.run(['--context', 'cluster2', 'get', 'cm', 'settings'])).exitCode).not.toBe(0);

    const again = await kstellar(i, [
      'bind',
      'settings',
      '--cluster-selector',
      'name=cluster1',
      '--object-selector',
      'tier=config',
    ]);
    expect(again.stderr).toContain('settings unchanged');
  });

  it('bind --wait times out with what is missing when a workload never becomes available', async () => {
    const stalled = NGINX.split('---\n')[1]
      .replace(/name: nginx\n {2}namespace/, 'name: stuck\n  namespace')
      .replace(
        'labels: {app.kubernetes.io/name: nginx}',
        'labels: {app: stuck}\n  annotations: {sim.kstellar.io/behavior: stall}',
      );
    await i.kubectl.ok(['--context', 'wds1', 'apply', '-f', '-'], { input: stalled });
    const r = await kstellar(i, [
      'bind',
      'stuck',
      '--cluster-selector',
      'location-group=edge',
      '--object-selector',
      'app=stuck',
      '--wait',
      '--timeout',
      '3s',
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('timed out waiting for BindingPolicy stuck: 2 of 2');
    expect(r.stderr).toMatch(/cluster1\s+Deployment\/stuck -n nginx\s+applied\s+0\/2 replicas available/);
  });

  it('reports bad input with a clear message and the right exit code', async () => {
    const badSel = await kstellar(i, [
      'bind',
      'x',
      '--cluster-selector',
      'a in (b',
      '--object-selector',
      'app=x',
    ]);
    expect(badSel.exitCode).toBe(2);
    expect(badSel.stderr).toContain('--cluster-selector "a in (b"');
    const noObjects = await kstellar(i, ['bind', 'x', '--cluster-selector', 'a=b']);
    expect(noObjects.exitCode).toBe(2);
    expect(noObjects.stderr).toContain('say which objects to bind');
    const badRes = await kstellar(i, ['bind', 'x', '--cluster-selector', 'a=b', '--resource', 'deploymnets']);
    expect(badRes.exitCode).toBe(2);
    expect(badRes.stderr).toContain('serves no resource "deploymnets"');
    const unknownWds = await kstellar(i, [
      'bind',
      'x',
      '--wds',
      'nope',
      '--cluster-selector',
      'a=b',
      '--object-selector',
      'a=b',
    ]);
    expect(unknownWds.exitCode).toBe(3);
    expect(unknownWds.stderr).toContain('there is no WDS named "nope"');
    const unknownIts = await kstellar(i, ['create', 'wds', 'wds2', '--imbs', 'nope']);
    expect(unknownIts.exitCode).toBe(3);
    expect(unknownIts.stderr).toContain('there is no ITS named "nope"');
    const badName = await kstellar(i, ['create', 'imbs', 'Bad_Name']);
    expect(badName.exitCode).toBe(2);
    const badStatus = await kstellar(i, ['status', 'nginx']);
    expect(badStatus.exitCode).toBe(2);
    expect(badStatus.stderr).toContain('is not KIND/NAME');
  });

  it('survives kill -9 of the daemon: init resumes everything, and changes flow again', async () => {
    const pid = Number(readFileSync(join(i.home, 'daemon.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(
      async () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      20_000,
      'daemon gone',
    );
    const down = await kstellar(i, ['status']);
    expect(down.exitCode).toBe(3);
    expect(down.stderr).toContain('kstellar init');
    const r = await kstellar(i, ['init']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Resumed its1, wds1, cluster1, cluster2');
    // Everything is still there...
    expect(await i.kubectl.ok(['--context', 'wds1', 'get', 'bindingpolicies', '-o', 'name'])).toContain(
      'nginx',
    );
    expect(
      await i.kubectl.ok(['--context', 'cluster2', '-n', 'nginx', 'get', 'deploy', '-o', 'name']),
    ).toContain('nginx');
    // ...and converging: a change made now reaches the WECs.
    await i.kubectl.ok(['--context', 'wds1', '-n', 'nginx', 'scale', 'deploy', 'nginx', '--replicas=3']);
    for (const wec of ['cluster1', 'cluster2'])
      await eventually(
        async () => {
          const out = await i.kubectl.run([
            '--context',
            wec,
            '-n',
            'nginx',
            'get',
            'deploy',
            'nginx',
            '-o',
            'jsonpath={.spec.replicas}',
          ]);
          return out.stdout === '3';
        },
        20_000,
        `3 replicas in ${wec}`,
      );
  });

  it('down asks for --yes, then removes everything; a second down is a no-op', async () => {
    const ask = await kstellar(i, ['down']);
    expect(ask.exitCode).toBe(2);
    expect(ask.stderr).toContain('--yes');
    const first = await kstellar(i, ['down', '--yes']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).toContain('removed contexts');
    const cfg = parseYaml(readFileSync(i.kubeconfig, 'utf8'));
    expect(cfg.contexts ?? []).toEqual([]);
    expect(existsSync(join(i.home, 'embedded'))).toBe(false);
    const second = await kstellar(i, ['down', '--yes']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toContain('Nothing to tear down');
  });
});

describe('kstellar as a kubectl plugin', () => {
  it('runs as `kubectl kstellar` through the kubectl-kstellar bin', async () => {
    const { mkdirSync, symlinkSync } = await import('node:fs');
    const { kubectlPath } = await import('../test/helpers/tools.js');
    const i = newInstall();
    const bin = join(i.scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(KSTELLAR_BIN, join(bin, 'kubectl-kstellar'));
    const r = await execa(kubectlPath(), ['kstellar', 'status'], {
      reject: false,
      env: { PATH: `${bin}:${process.env.PATH}`, KSTELLAR_HOME: i.home, HOME: i.scratch },
      extendEnv: false,
    });
    expect(r.stderr).toContain(`kstellar is not initialised in ${i.home}`);
    expect(r.exitCode).toBe(3);
    const plugins = await execa(kubectlPath(), ['plugin', 'list'], {
      reject: false,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: i.scratch },
      extendEnv: false,
    });
    expect(plugins.stdout).toContain('kubectl-kstellar');
  });
});

describe('kstellar CLI, embedded provider: step by step', () => {
  const i = newInstall();

  it('init, create imbs, create wds, register-wec, bind and ctx, keeping foreign contexts intact', async () => {
    // A context the user already has must survive everything kstellar does.
    const foreign = `apiVersion: v1
kind: Config
clusters:
- name: mine
  cluster: {server: 'https://127.0.0.1:1'}
users:
- name: mine
  user: {token: abc}
contexts:
- name: mine
  context: {cluster: mine, user: mine}
current-context: mine
`;
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(i.scratch, 'kube'), { recursive: true });
    writeFileSync(i.kubeconfig, foreign);

    const before = await kstellar(i, ['create', 'imbs', 'its1']);
    expect(before.exitCode).toBe(3);
    expect(before.stderr).toContain('kstellar init');

    for (const args of [
      ['init', '--provider', 'embedded'],
      ['create', 'imbs', 'its1'],
      ['create', 'wds', 'wds1'],
      ['register-wec', 'edge1', '--label', 'location-group=edge', '--label', 'name=edge1'],
    ]) {
      const r = await kstellar(i, args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const again = await kstellar(i, ['register-wec', 'edge1', '--label', 'location-group=edge']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('already registered');

    const cfg = parseYaml(readFileSync(i.kubeconfig, 'utf8'));
    expect(cfg.contexts.map((c: { name: string }) => c.name).sort()).toEqual([
      'edge1',
      'its1',
      'mine',
      'wds1',
    ]);
    expect(cfg['current-context']).toBe('mine');

    await i.kubectl.ok(['--context', 'wds1', 'create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
    const bind = await kstellar(i, [
      'bind',
      'web',
      '--cluster-selector',
      'location-group=edge',
      '--resource',
      'deploy',
      '--object-name',
      'web',
      '--wait',
      '--timeout',
      '30s',
    ]);
    expect(bind.exitCode, bind.stderr).toBe(0);
    expect(
      await i.kubectl.ok([
        '--context',
        'edge1',
        'get',
        'deploy',
        'web',
        '-o',
        'jsonpath={.status.readyReplicas}',
      ]),
    ).toBe('1');
    const policy = JSON.parse(
      await i.kubectl.ok(['--context', 'wds1', 'get', 'bindingpolicy', 'web', '-o', 'json']),
    );
    expect(policy.spec.downsync[0].resources).toEqual(['deployments']);

    // An existing cluster (here a separate `kstellar space serve` process) registered from its
    // kubeconfig: the daemon runs only the agent for it, and objects arrive there.
    const ext = await startSpaceProcess({ dataDir: join(i.scratch, 'ext'), name: 'ext1' });
    try {
      const bad = await kstellar(i, [
        'register-wec',
        'ext1',
        '--kubeconfig',
        ext.kubeconfig,
        '--context',
        'nope',
      ]);
      expect(bad.exitCode).toBe(3);
      expect(bad.stderr).toContain('cannot reach cluster "ext1"');
      const reg = await kstellar(i, [
        'register-wec',
        'ext1',
        '--kubeconfig',
        ext.kubeconfig,
        '--label',
        'location-group=far',
      ]);
      expect(reg.exitCode, reg.stderr).toBe(0);
      await i.kubectl.ok(['--context', 'wds1', 'create', 'configmap', 'far-away', '--from-literal=x=1']);
      const far = await kstellar(i, [
        'bind',
        'far',
        '--cluster-selector',
        'location-group=far',
        '--resource',
        'configmaps',
        '--object-name',
        'far-away',
      ]);
      expect(far.exitCode, far.stderr).toBe(0);
      const extKubectl = new Kubectl(ext.kubeconfig, join(i.scratch, 'ext-kubectl'));
      await eventually(
        async () =>
          (await extKubectl.run(['get', 'cm', 'far-away', '-o', 'jsonpath={.data.x}'])).stdout === '1',
        20_000,
        'ConfigMap in the existing cluster',
      );
      expect((await i.kubectl.run(['--context', 'edge1', 'get', 'cm', 'far-away'])).exitCode).not.toBe(0);
      const cfgNow = parseYaml(readFileSync(i.kubeconfig, 'utf8'));
      expect(cfgNow.contexts.map((c: { name: string }) => c.name)).not.toContain('ext1');
    } finally {
      await ext.stop();
    }

    const ctx = await kstellar(i, ['ctx', 'edge1']);
    expect(ctx.exitCode).toBe(0);
    expect(parseYaml(readFileSync(i.kubeconfig, 'utf8'))['current-context']).toBe('edge1');
    const missing = await kstellar(i, ['ctx', 'nope']);
    expect(missing.exitCode).toBe(3);

    const down = await kstellar(i, ['down', '--yes']);
    expect(down.exitCode, down.stderr).toBe(0);
    const after = parseYaml(readFileSync(i.kubeconfig, 'utf8'));
    expect(after.contexts.map((c: { name: string }) => c.name)).toEqual(['mine']);
    expect(after.users.map((c: { name: string }) => c.name)).toEqual(['mine']);
  });
});
