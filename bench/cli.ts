/**
 * Wall time of the commands users wait on: `kstellar init --quickstart` from an empty
 * KSTELLAR_HOME (daemon start, its1, wds1, cluster1, cluster2, contexts), and `kstellar bind
 * --wait` for one Deployment to both WECs (policy written, resolved, delivered, applied and
 * reported available). The built CLI runs as a subprocess, as users run it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlPath } from '../test/helpers/tools.js';

const BIN = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bin', 'kstellar.js');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(env: NodeJS.ProcessEnv, args: string[]): number {
  const t = performance.now();
  execFileSync(process.execPath, [BIN, ...args], {
    env: { ...env, CI: 'true', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return performance.now() - t;
}

export async function benchCli(rounds = 3): Promise<Record<string, unknown>> {
  const init: number[] = [];
  const bind: number[] = [];
  const status: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'kstellar-bench-cli-'));
    const env = { ...process.env, KSTELLAR_HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'kubeconfig') };
    try {
      init.push(run(env, ['init', '--quickstart']));
      status.push(run(env, ['status']));
      // One Deployment per round, bound to both WECs; timed from the bind command's start.
      execFileSync(kubectlPath(), ['--context', 'wds1', 'create', 'deployment', 'web', '--image=nginx'], {
        env,
        stdio: 'ignore',
      });
      bind.push(
        run(env, [
          'bind',
          'web',
          '--cluster-selector',
          'location-group=edge',
          '--object-selector',
          'app=web',
          '--wait',
          '--timeout',
          '30s',
        ]),
      );
    } finally {
      try {
        run(env, ['down', '--yes']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const ms = (x: number) => Math.round(x);
  const result = {
    rounds,
    initQuickstartMs: { median: ms(median(init)), all: init.map(ms) },
    bindWaitMs: { median: ms(median(bind)), all: bind.map(ms) },
    statusMs: { median: ms(median(status)) },
    targets: { initQuickstartMs: 5000, bindWaitMs: 1000 },
  };
  process.stderr.write(
    `cli: init --quickstart median ${result.initQuickstartMs.median} ms (target < 5000); ` +
      `bind --wait (1 Deployment -> 2 WECs) median ${result.bindWaitMs.median} ms (target < 1000); ` +
      `status (whole installation) ${result.statusMs.median} ms\n`,
  );
  return result;
}
