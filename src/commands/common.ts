/** What every provisioning command shares: the provider context, option parsing, output. */
import type { Command } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { CliError, ExitCode } from '../cli/errors.js';
import { createUi } from '../cli/ui.js';
import { kubeconfigTarget } from '../providers/kubeconfig-merge.js';
import { kstellarHome, readState } from '../providers/state.js';
import type { ProviderContext } from '../providers/types.js';
import { PolicyInputError } from '../operations/policy-flags.js';

/** bin/kstellar.js of this package, so the daemon runs the same build as the CLI. */
function binPath(): string {
  // dist/src/commands -> package root is three levels up; src/commands (tsx, tests) two.
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join('dist', 'src')}`)
    ? join(here, '..', '..', '..', 'bin', 'kstellar.js')
    : join(here, '..', '..', 'bin', 'kstellar.js');
}

export function providerContext(cmd: Command): ProviderContext {
  const g = cmd.optsWithGlobals() as { verbose?: boolean; quiet?: boolean };
  const home = kstellarHome();
  return {
    home,
    kubeconfigPath: readState(home)?.kubeconfigPath ?? kubeconfigTarget(),
    ui: createUi({ verbose: g.verbose, quiet: g.quiet }),
    selfCommand: [process.execPath, binPath()],
    verbose: g.verbose,
  };
}

/** Repeatable options: `--label a=b --label c=d`. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `90s`, `2m`, `1m30s`, `500ms` or plain seconds. */
export function parseDuration(v: string, flag = '--timeout'): number {
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed = re.lastIndex;
  }
  if (!s || consumed !== s.length)
    throw new CliError(`${flag} "${v}" is not a duration`, ExitCode.Usage, 'use e.g. 30s, 2m or 1m30s');
  return total;
}

export type OutputFormat = 'table' | 'json' | 'yaml';

export function parseOutput(v: string | undefined): OutputFormat {
  const f = v ?? 'table';
  if (!['table', 'json', 'yaml', 'wide'].includes(f))
    throw new CliError(`-o "${v}" is not supported`, ExitCode.Usage, 'use -o table, -o json or -o yaml');
  return f === 'wide' ? 'table' : (f as OutputFormat);
}

/** Writes data to stdout in the asked format (tables are rendered by the caller). */
export function printData(format: Exclude<OutputFormat, 'table'>, data: unknown): void {
  process.stdout.write(
    format === 'json'
      ? JSON.stringify(data, null, 2) + '\n'
      : stringify(data, { aliasDuplicateObjects: false }),
  );
}

/** Turns input errors of the operations layer into usage errors. */
export async function usageErrors<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PolicyInputError) throw new CliError(e.message, ExitCode.Usage);
    throw e;
  }
}
