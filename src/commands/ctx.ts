import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli/errors.js';
import { KubeconfigConflictError, ownedContexts, useContext } from '../providers/kubeconfig-merge.js';
import { providerContext } from './common.js';

/** `kstellar ctx [NAME]`: switch the kubeconfig's current context (or list kstellar's contexts). */
export function registerCtxCommand(program: Command): void {
  program
    .command('ctx [name]')
    .description(
      "switch the kubeconfig's current context to a space or WEC; without NAME, list kstellar's contexts",
    )
    .action(async (name: string | undefined, _opts, cmd: Command) => {
      const ctx = providerContext(cmd);
      if (!name) {
        for (const c of ownedContexts(ctx.kubeconfigPath, ctx.home)) process.stdout.write(`${c}\n`);
        return;
      }
      try {
        useContext(ctx.kubeconfigPath, name);
      } catch (e) {
        if (e instanceof KubeconfigConflictError) throw new CliError(e.message, ExitCode.Precondition);
        throw e;
      }
      ctx.ui.info(`Switched to context "${name}".`);
    });
}
