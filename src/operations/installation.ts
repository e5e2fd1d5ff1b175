/**
 * Working with an installation's inventory: clients for its spaces, the WDS a command means, and
 * the kubeconfig contexts named after spaces and WECs.
 */
import { CliError, ExitCode } from '../cli/errors.js';
import { DynamicClient } from '../kube/dynamic.js';
import { kubeConfigFromString } from '../kube/kubeconfig.js';
import { KubeconfigConflictError, mergeContexts } from '../providers/kubeconfig-merge.js';
import type { Inventory, ProviderContext, SpaceRecord } from '../providers/types.js';

export function clientFor(kubeconfig: string): DynamicClient {
  return DynamicClient.fromKubeConfig(kubeConfigFromString(kubeconfig), {
    qps: 1000,
    burst: 1000,
    userAgent: 'kstellar-cli',
  });
}

/** The WDS a command addresses: `--wds` if given, else the only one. */
export function pickWds(inv: Inventory, name?: string): { wds: SpaceRecord; its: SpaceRecord } {
  const all = inv.spaces.filter((s) => s.type === 'wds');
  let wds: SpaceRecord | undefined;
  if (name) {
    wds = all.find((s) => s.name === name);
    if (!wds)
      throw new CliError(
        `there is no WDS named "${name}"`,
        ExitCode.Precondition,
        all.length
          ? `WDSes: ${all.map((s) => s.name).join(', ')}`
          : `create one: kstellar create wds ${name}`,
      );
  } else if (all.length === 1) wds = all[0];
  else if (!all.length)
    throw new CliError('there is no WDS yet', ExitCode.Precondition, 'create one: kstellar create wds wds1');
  else
    throw new CliError(
      `there are several WDSes (${all.map((s) => s.name).join(', ')})`,
      ExitCode.Usage,
      'choose one with --wds NAME',
    );
  const its = inv.spaces.find((s) => s.type === 'its' && s.name === wds!.its);
  if (!wds.ready || !wds.kubeconfig)
    throw new CliError(
      `WDS ${wds.name} is not ready${wds.message ? `: ${wds.message}` : ''}`,
      ExitCode.Precondition,
    );
  if (!its?.ready || !its.kubeconfig)
    throw new CliError(`ITS ${wds.its} of WDS ${wds.name} is not ready`, ExitCode.Precondition);
  return { wds, its };
}

/** The ITS a command addresses: `--imbs` if given, else the only one. */
export function pickIts(inv: Inventory, name?: string): string {
  const all = inv.spaces.filter((s) => s.type === 'its').map((s) => s.name);
  if (name) {
    if (!all.includes(name))
      throw new CliError(
        `there is no ITS named "${name}"`,
        ExitCode.Precondition,
        all.length ? `ITSes: ${all.join(', ')}` : `create one: kstellar create imbs ${name}`,
      );
    return name;
  }
  if (all.length === 1) return all[0];
  if (!all.length)
    throw new CliError('there is no ITS yet', ExitCode.Precondition, 'create one: kstellar create imbs its1');
  throw new CliError(
    `there are several ITSes (${all.join(', ')})`,
    ExitCode.Usage,
    'choose one with --imbs NAME',
  );
}

/** Merges a context per ready space and WEC into the user's kubeconfig; returns their names. */
export function syncContexts(ctx: ProviderContext, inv: Inventory, setCurrent?: string): string[] {
  const entries = [...inv.spaces, ...inv.wecs]
    .filter((x) => x.kubeconfig)
    .map((x) => ({ name: x.name, kubeconfig: x.kubeconfig! }));
  if (!entries.length) return [];
  try {
    mergeContexts(ctx.kubeconfigPath, ctx.home, entries, {
      setCurrent: setCurrent && entries.some((e) => e.name === setCurrent) ? setCurrent : undefined,
    });
  } catch (e) {
    if (e instanceof KubeconfigConflictError)
      throw new CliError(
        e.message,
        ExitCode.Precondition,
        'rename or delete that context, or use another KUBECONFIG',
      );
    throw e;
  }
  return entries.map((e) => e.name);
}
