/**
 * Progress on stderr: ora spinners on a TTY, one plain line per finished step otherwise (CI logs,
 * pipes). Data goes to stdout elsewhere; nothing here writes to stdout.
 */
import chalk from 'chalk';
import ora from 'ora';
import type { StepHandle, Ui } from '../providers/types.js';

export interface UiOptions {
  verbose?: boolean;
  quiet?: boolean;
  /** Plain lines even on a TTY (for steps that run concurrently). */
  plain?: boolean;
  stream?: NodeJS.WriteStream;
}

export function createUi(opts: UiOptions = {}): Ui {
  const stream = opts.stream ?? process.stderr;
  if (process.env.NO_COLOR) chalk.level = 0;
  const tty = Boolean(stream.isTTY) && !process.env.CI && !opts.plain;
  const line = (s: string) => {
    if (!opts.quiet) stream.write(s + '\n');
  };
  return {
    step(title: string): StepHandle {
      if (tty && !opts.quiet) {
        const spinner = ora({ text: title, stream, color: 'cyan' }).start();
        return {
          update: (t) => (spinner.text = `${title}: ${t}`),
          succeed: (t) => spinner.succeed(t ?? title),
          skip: (t) => spinner.stopAndPersist({ symbol: chalk.dim('•'), text: t ?? `${title} (unchanged)` }),
          fail: (t) => spinner.fail(t ?? title),
        };
      }
      return {
        update: () => undefined,
        succeed: (t) => line(`${chalk.green('✓')} ${t ?? title}`),
        skip: (t) => line(`${chalk.dim('•')} ${t ?? `${title} (unchanged)`}`),
        fail: (t) => line(`${chalk.red('✗')} ${t ?? title}`),
      };
    },
    info: (m) => line(m),
    warn: (m) => line(`${chalk.yellow('warning:')} ${m}`),
    verbose: (m) => {
      if (opts.verbose) line(chalk.dim(m));
    },
  };
}

/** A Ui that records everything, for tests. */
export function recordingUi(): Ui & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    step(title) {
      return {
        update: () => undefined,
        succeed: (t) => lines.push(`ok ${t ?? title}`),
        skip: (t) => lines.push(`skip ${t ?? title}`),
        fail: (t) => lines.push(`fail ${t ?? title}`),
      };
    },
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    verbose: (m) => lines.push(`verbose: ${m}`),
  };
}
