import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeContexts } from '../kubeconfig-merge.js';
import {
  preflightBlocked,
  renderPreflight,
  runPreflight,
  type CheckResult,
  type PreflightOptions,
} from './preflight.js';
import { emptyState } from './state.js';
import { fakeKubeconfig, FakeWorld } from './testing/fakes.js';

function options(world: FakeWorld, over: Partial<PreflightOptions> = {}): PreflightOptions {
  const home = mkdtempSync(join(tmpdir(), 'kstellar-preflight-'));
  return {
    runner: world.runner,
    home,
    kubeconfigPath: join(home, 'kube', 'config'),
    state: emptyState(),
    hostingName: 'kubeflex',
    port: 9443,
    domain: 'localtest.me',
    spaces: ['its1', 'wds1'],
    wecs: ['cluster1', 'cluster2'],
    portFree: async () => true,
    resolve: async () => ['127.0.0.1'],
    readSysctl: () => '1048576',
    platform: 'linux',
    ...over,
  };
}

const byId = (r: CheckResult[], id: string, name?: string) =>
  r.find((c) => c.id === id && (!name || c.name === name))!;

describe('preflight checks (fake runner)', () => {
  it('all pass on a healthy machine', async () => {
    const r = await runPreflight(options(new FakeWorld()));
    expect(r.map((c) => `${c.id} ${c.status}`)).toEqual([
      'P1 pass',
      'P2 pass',
      'P3 pass',
      'P4 pass',
      'P4 pass',
      'P4 pass',
      'P6 pass',
      'P7 pass',
      'P9 pass',
      'P12 pass',
    ]);
    expect(preflightBlocked(r)).toBe(false);
  });

  it('P1 blocks when the runtime does not answer, with the start command', async () => {
    const w = new FakeWorld();
    w.docker.running = false;
    const r = await runPreflight(options(w));
    expect(byId(r, 'P1')).toMatchObject({
      status: 'fail',
      observed: expect.stringMatching(/Cannot connect to the Docker daemon/),
    });
    expect(byId(r, 'P1').fix).toMatch(/sudo systemctl start docker/);
    expect(byId(r, 'P2').status).toBe('warn');
    expect(preflightBlocked(r)).toBe(true);
  });

  it('P1 says how to install a runtime when there is none', async () => {
    const w = new FakeWorld();
    w.fail(/^docker info/, { exitCode: -1, notFound: true });
    const r = await runPreflight(options(w));
    expect(byId(r, 'P1')).toMatchObject({ status: 'fail', observed: 'docker is not installed' });
    expect(byId(r, 'P1').fix).toMatch(/install Docker/);
  });

  it('P2 warns (never blocks) below 4 CPUs / 8 GiB, scaling with WECs', async () => {
    const w = new FakeWorld();
    w.docker.ncpu = 2;
    w.docker.memBytes = 4 * 1024 ** 3;
    const r = await runPreflight(options(w, { wecs: ['a', 'b', 'c'] }));
    expect(byId(r, 'P2')).toMatchObject({
      status: 'warn',
      observed: '2 CPUs, 4.0 GiB',
      required: '5 CPUs, 10 GiB for 4 kind clusters',
    });
    expect(preflightBlocked(r)).toBe(false);
  });

  it('P3 blocks low inotify limits with 3+ clusters, warns with fewer', async () => {
    const w = new FakeWorld();
    const sysctl = (n: string) => (n.endsWith('watches') ? '8192' : '128');
    const three = await runPreflight(options(w, { readSysctl: sysctl }));
    expect(byId(three, 'P3')).toMatchObject({
      status: 'fail',
      observed: 'watches 8192, instances 128 (this machine)',
    });
    expect(byId(three, 'P3').fix).toMatch(/sudo sysctl fs.inotify.max_user_watches=524288/);
    const one = await runPreflight(options(w, { readSysctl: sysctl, wecs: [] }));
    expect(byId(one, 'P3').status).toBe('warn');
  });

  it('P3 reads the limits inside the container VM on macOS', async () => {
    const w = new FakeWorld();
    const r = await runPreflight(options(w, { platform: 'darwin' }));
    expect(w.commands()).toContain(
      'docker run --rm busybox sysctl -n fs.inotify.max_user_watches fs.inotify.max_user_instances',
    );
    expect(byId(r, 'P3')).toMatchObject({
      status: 'pass',
      observed: 'watches 524288, instances 512 (the container VM)',
    });
  });

  it('P4 warns about missing or untested kind/helm (they get fetched) and kubectl', async () => {
    const w = new FakeWorld();
    w.kindVersion = undefined;
    w.helmVersion = 'v4.0.0';
    w.kubectlVersion = 'v1.25.0';
    const r = await runPreflight(options(w));
    expect(byId(r, 'P4', 'tool: kind')).toMatchObject({ status: 'warn', observed: 'not installed' });
    expect(byId(r, 'P4', 'tool: kind').fix).toMatch(
      /fetches the pinned kind v0\.29\.0 into KSTELLAR_HOME\/bin/,
    );
    expect(byId(r, 'P4', 'tool: helm')).toMatchObject({ status: 'warn', observed: 'v4.0.0' });
    expect(byId(r, 'P4', 'tool: kubectl')).toMatchObject({ status: 'warn', observed: 'v1.25.0' });
    expect(preflightBlocked(r)).toBe(false);
  });

  it('P6 blocks a port held by another container and names it', async () => {
    const w = new FakeWorld();
    await w.runner.run('kind', ['create', 'cluster', '--name', 'other', '--config', '-'], {
      input: 'nodes: [{extraPortMappings: [{hostPort: 9443}]}]',
    });
    const r = await runPreflight(options(w, { portFree: async () => false, hostingName: 'kubeflex' }));
    expect(byId(r, 'P6')).toMatchObject({
      status: 'fail',
      observed: '9443 in use by container other-control-plane',
    });
    expect(byId(r, 'P6').fix).toMatch(/--port/);
  });

  it('P6 passes when the port belongs to our own hosting cluster', async () => {
    const w = new FakeWorld();
    await w.runner.run('kind', ['create', 'cluster', '--name', 'kubeflex', '--config', '-'], {
      input: 'nodes: [{extraPortMappings: [{hostPort: 9443}]}]',
    });
    const state = {
      ...emptyState(),
      hosting: { name: 'kubeflex', port: 9443, domain: 'localtest.me', created: true },
    };
    const r = await runPreflight(options(w, { portFree: async () => false, state }));
    expect(byId(r, 'P6')).toMatchObject({
      status: 'pass',
      observed: '9443 held by our hosting cluster (kubeflex-control-plane)',
    });
    expect(byId(r, 'P7').status).toBe('pass');
  });

  it('P7 blocks kind clusters and contexts kstellar did not create', async () => {
    const w = new FakeWorld();
    await w.runner.run('kind', ['create', 'cluster', '--name', 'cluster1']);
    const o = options(w);
    mkdirSync(join(o.home, 'kube'), { recursive: true });
    mergeContexts(o.kubeconfigPath, '/someone/else', [
      { name: 'its1', kubeconfig: fakeKubeconfig('x', 'https://x') },
    ]);
    const r = await runPreflight(o);
    expect(byId(r, 'P7')).toMatchObject({ status: 'fail', observed: 'kind cluster cluster1, context its1' });
  });

  it('P9 warns when the wildcard domain does not resolve to the loopback', async () => {
    const w = new FakeWorld();
    const r = await runPreflight(
      options(w, {
        resolve: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })),
      }),
    );
    expect(byId(r, 'P9')).toMatchObject({
      status: 'warn',
      observed: 'its1.localtest.me does not resolve (ENOTFOUND)',
    });
  });

  it.skipIf(process.getuid?.() === 0)('P12 blocks an unwritable kubeconfig', async () => {
    const o = options(new FakeWorld());
    const dir = join(o.home, 'ro');
    mkdirSync(dir);
    writeFileSync(join(dir, 'config'), '');
    chmodSync(join(dir, 'config'), 0o400);
    chmodSync(dir, 0o500);
    const r = await runPreflight({ ...o, kubeconfigPath: join(dir, 'config') });
    expect(byId(r, 'P12').status).toBe('fail');
  });

  it('renders a table with the fixes below it', async () => {
    const w = new FakeWorld();
    w.docker.running = false;
    const text = renderPreflight(await runPreflight(options(w)));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+ID\s+CHECK\s+OBSERVED\s+REQUIRED$/);
    expect(lines[1]).toMatch(/^FAIL\s+P1\s+container runtime\s+Cannot connect/);
    expect(text).toMatch(/^fix P1 \(container runtime\): start the docker daemon/m);
  });
});
