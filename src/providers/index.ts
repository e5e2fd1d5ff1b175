/**
 * Picking the provider of an installation: the one recorded in KSTELLAR_HOME, else (for `init`)
 * the one asked for, else embedded when no container runtime answers. Providers are loaded on
 * demand so a command pays only for the one it uses.
 */
import { CliError, ExitCode } from '../cli/errors.js';
import { readState, writeState } from './state.js';
import { PROVIDER_NAMES, type Provider, type ProviderContext, type ProviderName } from './types.js';

export type { Provider, ProviderContext, ProviderName } from './types.js';

export interface ProviderOptions {
  dryRun?: boolean;
  retain?: boolean;
}

export function parseProviderName(v: string): ProviderName {
  if (!(PROVIDER_NAMES as readonly string[]).includes(v))
    throw new CliError(`unknown provider "${v}"`, ExitCode.Usage, `use one of: ${PROVIDER_NAMES.join(', ')}`);
  return v as ProviderName;
}

export async function makeProvider(
  name: ProviderName,
  ctx: ProviderContext,
  opts: ProviderOptions = {},
): Promise<Provider> {
  if (name === 'embedded') return new (await import('./embedded/provider.js')).EmbeddedProvider(ctx);
  return (await import('./kind/index.js')).createKindProvider(ctx, {
    dryRun: opts.dryRun,
    retain: opts.retain,
  });
}

/** The provider of an existing installation; a precondition error when there is none. */
export async function installedProvider(ctx: ProviderContext, opts: ProviderOptions = {}): Promise<Provider> {
  const state = readState(ctx.home);
  if (!state)
    throw new CliError(
      `kstellar is not initialised in ${ctx.home}`,
      ExitCode.Precondition,
      'run `kstellar init` (or `kstellar init --quickstart`) first',
    );
  return makeProvider(state.provider, ctx, opts);
}

/** Whether docker (or podman) answers; decides the default provider. */
export async function containerRuntimeAvailable(): Promise<boolean> {
  return (await import('./kind/index.js')).containerRuntimeAvailable();
}

/** The provider `init` should use; `record()` writes the choice once init has succeeded. */
export async function providerForInit(
  ctx: ProviderContext,
  asked: ProviderName | undefined,
  opts: ProviderOptions = {},
): Promise<{ provider: Provider; record: () => void }> {
  const state = readState(ctx.home);
  if (state && asked && asked !== state.provider)
    throw new CliError(
      `${ctx.home} already holds a ${state.provider} installation`,
      ExitCode.Precondition,
      `run \`kstellar down --yes\` first, or use another KSTELLAR_HOME for a ${asked} installation`,
    );
  let name = state?.provider ?? asked;
  if (!name) {
    name = (await containerRuntimeAvailable()) ? 'kind' : 'embedded';
    ctx.ui.info(
      name === 'embedded'
        ? 'No container runtime found: using the embedded provider (everything runs in one local daemon).'
        : 'A container runtime is available: using the kind provider (pass --provider embedded for the local daemon).',
    );
  }
  const chosen = name;
  const record = () => {
    if (!readState(ctx.home) && !opts.dryRun)
      writeState(ctx.home, {
        version: 1,
        provider: chosen,
        createdAt: new Date().toISOString(),
        kubeconfigPath: ctx.kubeconfigPath,
      });
  };
  return { provider: await makeProvider(name, ctx, opts), record };
}
