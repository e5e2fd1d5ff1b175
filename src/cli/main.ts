import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { registerSpaceCommands } from '../commands/space.js';
import { registerControllerCommands } from '../commands/controller.js';
import { registerServeCommand } from '../commands/serve.js';
import { registerInitCommand } from '../commands/init.js';
import { registerCreateCommands } from '../commands/create.js';
import { registerRegisterWecCommand } from '../commands/register-wec.js';
import { registerBindCommand } from '../commands/bind.js';
import { registerStatusCommand } from '../commands/status.js';
import { registerDownCommand } from '../commands/down.js';
import { registerCtxCommand } from '../commands/ctx.js';
import { CliError, ExitCode } from './errors.js';

function packageVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/src/cli -> package root
  for (const up of ['../../..', '../..']) {
    try {
      return JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')).version;
    } catch {
      /* try the next candidate */
    }
  }
  return '0.0.0';
}

export function buildProgram(): Command {
  const program = new Command('kstellar')
    .description(
      'KubeStellar multi-cluster configuration: spaces, binding policies and workload execution clusters',
    )
    .version(packageVersion(), '--version', 'print the kstellar version')
    .showHelpAfterError('(run with --help for usage)')
    .option('-v, --verbose', 'show more detail (e.g. the exact commands a provider runs)')
    .option('-q, --quiet', 'no progress output')
    .exitOverride();
  registerInitCommand(program);
  registerCreateCommands(program);
  registerRegisterWecCommand(program);
  registerBindCommand(program);
  registerStatusCommand(program);
  registerCtxCommand(program);
  registerDownCommand(program);
  registerServeCommand(program);
  registerSpaceCommands(program);
  registerControllerCommands(program);
  return program;
}

/** The single exit point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return ExitCode.Ok;
      return ExitCode.Usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      if (e.hint) process.stderr.write(`${e.hint}\n`);
      return e.exitCode;
    }
    process.stderr.write(`error: ${(e as Error)?.message ?? e}\n`);
    return ExitCode.Failed;
  }
}
