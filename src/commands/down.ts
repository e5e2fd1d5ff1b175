import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli/errors.js';
import { makeProvider } from '../providers/index.js';
import { removeContexts } from '../providers/kubeconfig-merge.js';
import { readState, removeState } from '../providers/state.js';
import { providerContext } from './common.js';

/** `kstellar down [--yes]`: stop everything, remove state and the contexts kstellar created. */
export function registerDownCommand(program: Command): void {
  program
    .command('down')
    .description('stop kstellar and delete its spaces, WECs, state and the kubeconfig contexts it created')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--dry-run', 'print what would be removed without removing it')
    .action(async (opts, cmd: Command) => {
      const ctx = providerContext(cmd);
      const state = readState(ctx.home);
      if (!state) {
        const removed = opts.dryRun ? [] : removeContexts(ctx.kubeconfigPath, ctx.home);
        ctx.ui.info(
          removed.length
            ? `Removed leftover contexts: ${removed.join(', ')}`
            : `Nothing to tear down: kstellar is not initialised in ${ctx.home}.`,
        );
        return;
      }
      if (!opts.yes && !opts.dryRun)
        throw new CliError(
          `this deletes every space and WEC of the ${state.provider} installation in ${ctx.home}, with all their objects`,
          ExitCode.Usage,
          'pass --yes to confirm (or --dry-run to see what would go)',
        );
      const provider = await makeProvider(state.provider, ctx, { dryRun: opts.dryRun });
      await provider.down({ dryRun: opts.dryRun });
      if (opts.dryRun) return;
      const removed = removeContexts(ctx.kubeconfigPath, ctx.home);
      if (removed.length)
        ctx.ui
          .step('Removing contexts')
          .succeed(`removed contexts ${removed.join(', ')} from ${ctx.kubeconfigPath}`);
      removeState(ctx.home);
      ctx.ui.info('kstellar is down.');
    });
}
