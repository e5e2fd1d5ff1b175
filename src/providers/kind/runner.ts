/**
 * The one seam through which the kind provider runs external tools (docker, kind, helm). The real
 * runner uses execa; tests pass a fake that answers like the tools do. A runner never throws for a
 * failed command: it reports exit code, output, a timeout or a missing binary, and the caller
 * decides (see exec.ts, which maps failures onto the error catalogue).
 */
import { execa } from 'execa';
import type { Ui } from '../types.js';

export interface RunOptions {
  /** Text written to the command's stdin (kind configs, Helm values). */
  input?: string;
  /** Kill the command after this long; the result then has `timedOut`. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

export interface RunResult {
  /** The command line, shell-quoted, as logged. */
  command: string;
  /** Exit code; -1 when the command did not run to completion (missing binary, timeout). */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The binary was not found. */
  notFound: boolean;
}

export interface Runner {
  run(file: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

const SAFE = /^[A-Za-z0-9_./:=@%+,{}-]+$/;

/** A command line as one would type it in a POSIX shell. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args]
    .map((a) => (a !== '' && SAFE.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** Runs real processes through execa. */
export function createExecaRunner(): Runner {
  return {
    async run(file, args, opts = {}) {
      const command = formatCommand(file, args);
      const r = await execa(file, [...args], {
        reject: false,
        input: opts.input,
        timeout: opts.timeoutMs,
        env: opts.env,
        // Tools must never wait for a terminal.
        stdin: opts.input === undefined ? 'ignore' : undefined,
        stripFinalNewline: true,
      });
      const notFound = (r as { code?: string }).code === 'ENOENT';
      return {
        command,
        exitCode: typeof r.exitCode === 'number' ? r.exitCode : -1,
        stdout: typeof r.stdout === 'string' ? r.stdout : '',
        stderr: typeof r.stderr === 'string' ? r.stderr : notFound ? `${file}: command not found` : '',
        timedOut: Boolean(r.timedOut),
        notFound,
      };
    },
  };
}

/** Wraps a runner so every command line is shown with --verbose, and failures with their stderr. */
export function loggingRunner(inner: Runner, ui: Ui): Runner {
  return {
    async run(file, args, opts) {
      ui.verbose(`$ ${formatCommand(file, args)}`);
      const r = await inner.run(file, args, opts);
      if (r.exitCode !== 0) {
        const why = r.timedOut ? 'timed out' : r.notFound ? 'not found' : `exit ${r.exitCode}`;
        ui.verbose(`  (${why})${r.stderr ? ` ${lastLines(r.stderr, 3)}` : ''}`);
      }
      return r;
    },
  };
}

/** The last `n` non-empty lines of a tool's output, for messages. */
export function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-n)
    .join(' | ');
}
