import type { Command } from 'commander';
import { installedProvider } from '../providers/index.js';
import { pickIts, syncContexts } from '../operations/installation.js';
import { CliError, ExitCode } from '../cli/errors.js';
import { parseDuration, providerContext } from './common.js';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function checkName(kind: string, name: string): void {
  if (!NAME.test(name) || name.length > 63)
    throw new CliError(
      `"${name}" is not a valid ${kind} name`,
      ExitCode.Usage,
      'use at most 63 lower-case letters, digits and dashes, starting and ending with a letter or digit',
    );
}

/** `kstellar create imbs|its NAME` and `kstellar create wds NAME [--imbs ITS]`. */
export function registerCreateCommands(program: Command): void {
  const create = program.command('create').description('create spaces: an ITS (imbs) or a WDS');
  create
    .command('imbs <name>')
    .alias('its')
    .description('create an inventory and transport space (ITS, the OCM hub)')
    .option('--dry-run', 'print what would be done without doing it')
    .option('--timeout <duration>', 'how long to wait for it to be ready', '2m')
    .action(async (name: string, opts, cmd: Command) => {
      checkName('ITS', name);
      const ctx = providerContext(cmd);
      const provider = await installedProvider(ctx, { dryRun: opts.dryRun });
      await provider.createIts(name, { dryRun: opts.dryRun, timeoutMs: parseDuration(opts.timeout) });
      if (!opts.dryRun) syncContexts(ctx, await provider.inventory());
    });
  create
    .command('wds <name>')
    .description('create a workload description space (WDS) delivering through an ITS')
    .option('--imbs <its>', 'the ITS to deliver through (default: the only one)')
    .option('--its <its>', 'alias of --imbs')
    .option('--dry-run', 'print what would be done without doing it')
    .option('--timeout <duration>', 'how long to wait for it to be ready', '2m')
    .action(async (name: string, opts, cmd: Command) => {
      checkName('WDS', name);
      const ctx = providerContext(cmd);
      const provider = await installedProvider(ctx, { dryRun: opts.dryRun });
      const its = pickIts(await provider.inventory(), opts.imbs ?? opts.its);
      await provider.createWds(name, { its, dryRun: opts.dryRun, timeoutMs: parseDuration(opts.timeout) });
      if (!opts.dryRun) syncContexts(ctx, await provider.inventory());
    });
}
