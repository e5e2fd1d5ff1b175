import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
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

type Register = (program: Command) => void;

/** Each command's module, loaded only when that command runs (start-up time is user time). */
const COMMANDS: Record<string, () => Promise<Register[]>> = {
  init: async () => [(await import('../commands/init.js')).registerInitCommand],
  create: async () => [(await import('../commands/create.js')).registerCreateCommands],
  'register-wec': async () => [(await import('../commands/register-wec.js')).registerRegisterWecCommand],
  bind: async () => [(await import('../commands/bind.js')).registerBindCommand],
  status: async () => [(await import('../commands/status.js')).registerStatusCommand],
  ctx: async () => [(await import('../commands/ctx.js')).registerCtxCommand],
  down: async () => [(await import('../commands/down.js')).registerDownCommand],
  preflight: async () => [(await import('../commands/preflight.js')).registerPreflightCommands],
  serve: async () => [(await import('../commands/serve.js')).registerServeCommand],
  space: async () => [(await import('../commands/space.js')).registerSpaceCommands],
  controller: async () => [(await import('../commands/controller.js')).registerControllerCommands],
};

/** The command named in argv (first non-option word), if it is one of ours. */
function commandOf(argv: string[]): string | undefined {
  const word = argv.slice(2).find((a) => !a.startsWith('-'));
  return word && word in COMMANDS ? word : undefined;
}

/** The program with the commands `argv` needs (all of them for help and unknown commands). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const wanted = commandOf(argv);
  // `kstellar --version` needs no command at all.
  if (!wanted && argv.includes('--version') && !argv.some((a) => a === '-h' || a === '--help'))
    return baseProgram();
  const registers = (
    await Promise.all(
      Object.entries(COMMANDS)
        .filter(([n]) => !wanted || n === wanted)
        .map(([, load]) => load()),
    )
  ).flat();
  const program = baseProgram();
  for (const register of registers) register(program);
  return program;
}

function baseProgram(): Command {
  const program = new Command('kstellar')
    .description(
      'KubeStellar multi-cluster configuration: spaces, binding policies and workload execution clusters',
    )
    .version(packageVersion(), '--version', 'print the kstellar version')
    .showHelpAfterError('(run with --help for usage)')
    .option('-v, --verbose', 'show more detail (e.g. the exact commands a provider runs)')
    .option('-q, --quiet', 'no progress output')
    .exitOverride();
  return program;
}

/** The single exit point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
