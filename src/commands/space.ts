import type { Command } from 'commander';
import { Option } from 'commander';
import { resolve, join } from 'node:path';
import pino from 'pino';
import { Space } from '../space/space.js';
import { CliError, ExitCode } from '../cli/errors.js';

/** `kstellar space serve`: run one space in the foreground. */
export function registerSpaceCommands(program: Command): void {
  const space = program.command('space').description('run and inspect embedded Kubernetes-compatible spaces');
  space
    .command('serve')
    .description('serve one space in the foreground until SIGINT/SIGTERM')
    .requiredOption('--data-dir <dir>', 'directory for the database and credentials (kept across restarts)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--name <name>', 'space name, used as the kubeconfig context name', 'space')
    .option('--kubeconfig <file>', 'where to write the kubeconfig (default: <data-dir>/kubeconfig)')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['debug', 'info', 'warn', 'error', 'silent'])
        .default('info'),
    )
    .action(async (opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(
          `--port must be an integer between 0 and 65535, got "${opts.port}"`,
          ExitCode.Usage,
        );
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.name))
        throw new CliError(
          `--name "${opts.name}" is not a valid name`,
          ExitCode.Usage,
          'use lower-case letters, digits and dashes, e.g. "wds1"',
        );
      const dataDir = resolve(opts.dataDir);
      const kubeconfig = resolve(opts.kubeconfig ?? join(dataDir, 'kubeconfig'));
      const logger = pino({ level: opts.logLevel, base: { space: opts.name } }, pino.destination(2));
      // Handlers go in before anything is announced: a signal that arrives right after the
      // `ready` line (the reader may act on it at once) must find them in place.
      let signalled: string | undefined;
      let wake = () => {};
      const onSignal = (sig: string) => {
        signalled = sig;
        wake();
      };
      process.once('SIGINT', () => onSignal('SIGINT'));
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      let srv: Space;
      try {
        srv = await Space.start({ dataDir, port, name: opts.name, host: opts.host, logger });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'EADDRINUSE')
          throw new CliError(
            `port ${port} is already in use`,
            ExitCode.Precondition,
            'pick another --port, or 0 for a free one',
          );
        throw new CliError(`cannot start the space: ${err.message}`, ExitCode.Failed);
      }
      srv.writeKubeconfig(kubeconfig, { name: opts.name });
      logger.info({ kubeconfig, dataDir }, 'space serving');
      process.stdout.write(`ready ${srv.url}\n`);
      await new Promise<void>((done) => {
        wake = done;
        if (signalled) done();
      });
      logger.info({ signal: signalled }, 'stopping');
      await srv.close();
    });
}
