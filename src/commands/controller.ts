import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { DEFAULT_MAX_NUM_WRAPPED, DEFAULT_MAX_SIZE_WRAPPED } from '../api/constants.js';
import { DEFAULT_BURST, DEFAULT_QPS } from '../kube/rate-limiter.js';
import { createEngine, ENGINE_CONTROLLERS, type Engine, type EngineController } from '../engine/engine.js';
import { KubeConfigError, isNetworkError } from '../kube/errors.js';
import { CliError, ExitCode } from '../cli/errors.js';

/** Option parser: a whole number of at least 1 (commander reports the error and exits 2). */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

/** Option parser: a finite number greater than 0. */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a number greater than 0.');
  return n;
}

/** Option parser: a comma-separated, non-empty subset of the engine's controllers. */
export function parseControllers(value: string): EngineController[] {
  const names = value.split(',').map((s) => s.trim());
  const known = ENGINE_CONTROLLERS as readonly string[];
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length)
    throw new InvalidArgumentError(
      `unknown controller ${bad.map((b) => JSON.stringify(b)).join(', ')}; choose from ${known.join(', ')}.`,
    );
  return [...new Set(names)] as EngineController[];
}

/** `kstellar controller run`: the engine for one WDS, in the foreground until SIGINT/SIGTERM. */
export function registerControllerCommands(program: Command): void {
  const controller = program.command('controller').description('run the KubeStellar engine for a WDS');
  controller
    .command('run')
    .description('run the binding, transport and status controllers for one WDS until SIGINT/SIGTERM')
    .requiredOption('--wds-kubeconfig <file>', 'kubeconfig of the workload description space (WDS)')
    .option('--wds-context <name>', 'context to use in the WDS kubeconfig (default: its current-context)')
    .requiredOption('--its-kubeconfig <file>', 'kubeconfig of the inventory and transport space (ITS)')
    .option('--its-context <name>', 'context to use in the ITS kubeconfig (default: its current-context)')
    .requiredOption(
      '--wds-name <name>',
      'name of this WDS, unique per ITS (used in ManifestWork names and labels)',
    )
    .addOption(
      new Option('--controllers <list>', 'comma-separated controllers to run: binding, transport, status')
        .argParser(parseControllers)
        .default([...ENGINE_CONTROLLERS], ENGINE_CONTROLLERS.join(',')),
    )
    .addOption(
      new Option('--max-num-wrapped <n>', 'max workload objects per ManifestWork')
        .argParser(parsePositiveInt)
        .default(DEFAULT_MAX_NUM_WRAPPED),
    )
    .addOption(
      new Option('--max-size-wrapped <bytes>', 'max bytes of JSON of the objects in one ManifestWork')
        .argParser(parsePositiveInt)
        .default(DEFAULT_MAX_SIZE_WRAPPED),
    )
    .addOption(
      new Option('--qps <n>', 'sustained requests per second to each space (client-side limit)')
        .argParser(parsePositiveNumber)
        .default(DEFAULT_QPS),
    )
    .addOption(
      new Option('--burst <n>', 'requests allowed at once to each space after idling')
        .argParser(parsePositiveInt)
        .default(DEFAULT_BURST),
    )
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['debug', 'info', 'warn', 'error', 'silent'])
        .default('info'),
    )
    .action(async (opts) => {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.wdsName))
        throw new CliError(
          `--wds-name "${opts.wdsName}" is not a valid name`,
          ExitCode.Usage,
          'use lower-case letters, digits and dashes, e.g. "wds1"',
        );
      for (const flag of ['wdsKubeconfig', 'itsKubeconfig'] as const)
        if ((opts[flag] as string).includes('\n'))
          throw new CliError(
            `--${flag === 'wdsKubeconfig' ? 'wds' : 'its'}-kubeconfig must be a file path`,
            ExitCode.Usage,
          );
      const logger = pino({ level: opts.logLevel, base: { wds: opts.wdsName } }, pino.destination(2));
      let engine: Engine;
      try {
        engine = createEngine({
          wdsKubeconfig: opts.wdsKubeconfig,
          wdsContext: opts.wdsContext,
          itsKubeconfig: opts.itsKubeconfig,
          itsContext: opts.itsContext,
          wdsName: opts.wdsName,
          logger,
          controllers: opts.controllers,
          maxNumWrapped: opts.maxNumWrapped,
          maxSizeWrapped: opts.maxSizeWrapped,
          qps: opts.qps,
          burst: opts.burst,
        });
      } catch (e) {
        if (e instanceof KubeConfigError)
          throw new CliError(
            e.message,
            ExitCode.Precondition,
            'pass the kubeconfig files written by `kstellar space serve` (or your cluster), and a context they define',
          );
        throw e;
      }
      const stop = new AbortController();
      const onSignal = (sig: string) => {
        logger.info({ signal: sig }, 'stopping');
        stop.abort();
      };
      const onInt = () => onSignal('SIGINT');
      const onTerm = () => onSignal('SIGTERM');
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onTerm);
      try {
        await engine.start(stop.signal);
      } catch (e) {
        if (isNetworkError(e))
          throw new CliError(
            `cannot reach a space: ${(e as Error).message}`,
            ExitCode.Precondition,
            'check that the WDS and ITS are running and that the kubeconfigs point at them',
          );
        throw new CliError(`engine failed: ${(e as Error).message}`, ExitCode.Failed);
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      }
    });
}
