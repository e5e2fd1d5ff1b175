import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli/errors.js';
import { kubeconfigTarget } from '../providers/kubeconfig-merge.js';
import { createExecaRunner } from '../providers/kind/runner.js';
import { preflightBlocked, renderPreflight, runPreflight } from '../providers/kind/preflight.js';
import { kindLayout, loadKindState } from '../providers/kind/state.js';
import { kstellarHome } from '../providers/state.js';

function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 50)
    throw new CliError(`--wecs ${v}: expected a whole number 0-50`, ExitCode.Usage);
  return n;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new CliError(`--port ${v}: expected a TCP port`, ExitCode.Usage);
  return n;
}

/** `kstellar preflight`: can this machine run the kind provider? Exit 3 when something blocks. */
export function registerPreflightCommands(program: Command): void {
  program
    .command('preflight')
    .description(
      'check that this machine can run the kind provider (container runtime, resources, tools, port, names)',
    )
    .option('--name <name>', 'hosting kind cluster name', 'kubeflex')
    .option('--port <port>', 'host port of the ingress', port, 9443)
    .option('--domain <domain>', 'wildcard domain resolving to 127.0.0.1', 'localtest.me')
    .option('--wecs <n>', 'number of WEC kind clusters planned', count, 2)
    .option('--json', 'print the results as JSON: [{id, name, status, observed, required, fix}]')
    .action(async (opts: { name: string; port: number; domain: string; wecs: number; json?: boolean }) => {
      const home = kstellarHome();
      const results = await runPreflight({
        runner: createExecaRunner(),
        home,
        kubeconfigPath: kubeconfigTarget(),
        state: loadKindState(kindLayout(home)),
        hostingName: opts.name,
        port: opts.port,
        domain: opts.domain,
        spaces: ['its1', 'wds1'],
        wecs: Array.from({ length: opts.wecs }, (_, i) => `cluster${i + 1}`),
      });
      process.stdout.write(opts.json ? JSON.stringify(results, null, 2) + '\n' : renderPreflight(results));
      if (preflightBlocked(results)) {
        const fails = results.filter((r) => r.status === 'fail');
        throw new CliError(
          `preflight: ${fails.length} blocking check${fails.length === 1 ? '' : 's'} failed (${fails.map((f) => `${f.id} ${f.name}`).join(', ')})`,
          ExitCode.Precondition,
          opts.json
            ? undefined
            : 'apply the fixes listed above, or use the embedded provider (`kstellar init`), which needs no containers',
        );
      }
    });
}
