import type { Command } from 'commander';
import { installedProvider } from '../providers/index.js';
import { pickIts, syncContexts } from '../operations/installation.js';
import { parseLabelFlags } from '../operations/policy-flags.js';
import { checkName } from './create.js';
import { collect, parseDuration, providerContext, usageErrors } from './common.js';

/** `kstellar register-wec NAME [--imbs ITS] [--label K=V]...`: join (and accept) a WEC. */
export function registerRegisterWecCommand(program: Command): void {
  program
    .command('register-wec <name>')
    .description(
      'register a workload execution cluster with an ITS (embedded provider: creates an embedded WEC)',
    )
    .option('--imbs <its>', 'the ITS to register with (default: the only one)')
    .option('--its <its>', 'alias of --imbs')
    .option('-l, --label <key=value>', 'label of its ManagedCluster (repeatable)', collect, [])
    .option('--kubeconfig <file>', 'register an existing cluster from this kubeconfig (kind provider)')
    .option('--context <name>', 'context of an existing cluster to register (kind provider)')
    .option('--dry-run', 'print what would be done without doing it')
    .option('--timeout <duration>', 'how long to wait for it to join', '2m')
    .action(async (name: string, opts, cmd: Command) => {
      checkName('WEC', name);
      const labels = await usageErrors(() => parseLabelFlags(opts.label));
      const ctx = providerContext(cmd);
      const provider = await installedProvider(ctx, { dryRun: opts.dryRun });
      const its = pickIts(await provider.inventory(), opts.imbs ?? opts.its);
      await provider.registerWec(name, {
        its,
        labels,
        kubeconfig: opts.kubeconfig,
        context: opts.context,
        dryRun: opts.dryRun,
        timeoutMs: parseDuration(opts.timeout),
      });
      if (!opts.dryRun) syncContexts(ctx, await provider.inventory());
    });
}
