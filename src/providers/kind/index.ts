/**
 * The kind provider (real clusters: kind, KubeFlex, OCM, the engine as a container). The CLI
 * commands call `createKindProvider` for `--provider kind` and `containerRuntimeAvailable` to pick
 * a provider when none is given.
 */
import type { Provider, ProviderContext } from '../types.js';
import { KindProvider, type KindProviderOptions } from './provider.js';

export { KindProvider, containerRuntimeAvailable, type KindProviderOptions } from './provider.js';
export { KindError, CATALOG, type ErrorCode } from './errors.js';
export { createExecaRunner, formatCommand, type Runner, type RunOptions, type RunResult } from './runner.js';
export { httpFetcher, type Fetcher } from './tools.js';
export {
  runPreflight,
  renderPreflight,
  preflightBlocked,
  type CheckResult,
  type CheckStatus,
  type PreflightOptions,
} from './preflight.js';
export type { KubeFactory, KubeOps } from './kube.js';

export function createKindProvider(ctx: ProviderContext, opts: KindProviderOptions = {}): Provider {
  return new KindProvider(ctx, opts);
}
