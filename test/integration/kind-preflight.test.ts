/**
 * Preflight for real, on this machine: no fakes. Where no container runtime answers (as on the
 * development machine), `init --provider kind` must stop at preflight with exit 3 and the fix;
 * where one does (CI with Docker), P1 must pass instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { recordingUi } from '../../src/cli/ui.js';
import { registerPreflightCommands } from '../../src/commands/preflight.js';
import {
  containerRuntimeAvailable,
  createKindProvider,
  runPreflight,
} from '../../src/providers/kind/index.js';
import { createExecaRunner } from '../../src/providers/kind/runner.js';
import { emptyState } from '../../src/providers/kind/state.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kstellar-kind-real-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const runtime = await containerRuntimeAvailable();

describe(`preflight on this machine (container runtime ${runtime ? 'available' : 'absent'})`, () => {
  it('checks the container runtime for real', async () => {
    const home = tmp();
    const r = await runPreflight({
      runner: createExecaRunner(),
      home,
      kubeconfigPath: join(home, 'kubeconfig'),
      state: emptyState(),
      hostingName: 'kubeflex',
      port: 9443,
      domain: 'localtest.me',
      spaces: ['its1'],
      wecs: [],
    });
    const p1 = r.find((c) => c.id === 'P1')!;
    if (runtime) expect(p1.status).toBe('pass');
    else {
      expect(p1.status).toBe('fail');
      expect(p1.fix).toMatch(/start the docker daemon|install Docker/);
      expect(p1.fix).toMatch(/embedded provider/);
    }
    expect(r.map((c) => c.id)).toEqual(['P1', 'P2', 'P3', 'P4', 'P4', 'P4', 'P6', 'P7', 'P9', 'P12']);
  });

  it.skipIf(runtime)(
    'init --provider kind stops at preflight with exit 3 and a clear message, creating nothing',
    async () => {
      const home = tmp();
      const ui = recordingUi();
      const provider = createKindProvider({
        home,
        kubeconfigPath: join(home, 'kube', 'config'),
        ui,
        selfCommand: ['kstellar'],
      });
      const err = await provider.init({ quickstart: true }).catch((e) => e);
      expect(err).toBeInstanceOf(CliError);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/^\[E-PREFLIGHT\] preflight failed: P1 container runtime: /);
      expect(err.hint).toMatch(/^STATUS\s+ID\s+CHECK/);
      expect(err.hint).toMatch(/fix P1 \(container runtime\): (start the docker daemon|install Docker)/);
      // Only the preflight step ran (it may find more than P1 on this machine, e.g. inotify limits).
      const steps = ui.lines.filter((l) => /^(ok|skip|fail) /.test(l));
      expect(steps).toHaveLength(1);
      expect(steps[0]).toMatch(/^fail Preflight checks: \d+ blocking$/);
      expect(await provider.inventory()).toEqual({ provider: 'kind', spaces: [], wecs: [] });
    },
  );

  it.skipIf(runtime)('kstellar preflight --json prints every check and exits 3', async () => {
    const home = tmp();
    vi.stubEnv('KSTELLAR_HOME', home);
    vi.stubEnv('KUBECONFIG', join(home, 'kube', 'config'));
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      const program = new Command('kstellar').exitOverride();
      registerPreflightCommands(program);
      const err = await program
        .parseAsync(['node', 'kstellar', 'preflight', '--json', '--wecs', '0'])
        .catch((e) => e);
      expect(err).toBeInstanceOf(CliError);
      expect(err.exitCode).toBe(3);
      expect(err.message).toMatch(/preflight: 1 blocking check failed \(P1 container runtime\)/);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const results = JSON.parse(out.join(''));
    expect(results[0]).toMatchObject({ id: 'P1', name: 'container runtime', status: 'fail' });
    for (const r of results)
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(['id', 'name', 'status', 'observed', 'required']),
      );
  });

  it('containerRuntimeAvailable agrees with `docker info`', async () => {
    const r = await createExecaRunner().run('docker', ['info', '--format', '{{.ServerVersion}}'], {
      timeoutMs: 15_000,
    });
    expect(runtime).toBe(r.exitCode === 0);
  });
});
