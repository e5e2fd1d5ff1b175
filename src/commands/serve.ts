import type { Command } from 'commander';
import { Option } from 'commander';
import pino from 'pino';
import { CliError, ExitCode } from '../cli/errors.js';
import { DaemonRunningError, runDaemon } from '../providers/embedded/daemon.js';
import { kstellarHome } from '../providers/state.js';

/** `kstellar serve`: the embedded provider's daemon in the foreground (`init` starts it detached). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'run the embedded daemon (spaces, engines, WECs) in the foreground; `kstellar init` starts it for you',
    )
    .option('--home <dir>', 'KSTELLAR_HOME to serve (default: $KSTELLAR_HOME or ~/.kstellar)')
    .option('--sim-delay <ms>', 'delay before simulated workloads in embedded WECs become ready', '200')
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .action(async (opts) => {
      const home = opts.home ?? kstellarHome();
      const simDelayMs = Number(opts.simDelay);
      if (!Number.isInteger(simDelayMs) || simDelayMs < 0)
        throw new CliError(`--sim-delay "${opts.simDelay}" must be a whole number of ms`, ExitCode.Usage);
      const log = pino({ level: opts.logLevel }, pino.destination(1));
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runDaemon({ home, log, simDelayMs }, stop.signal);
      } catch (e) {
        if (e instanceof DaemonRunningError) throw new CliError(e.message, ExitCode.Precondition);
        log.error({ err: e }, 'daemon failed');
        throw e;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
