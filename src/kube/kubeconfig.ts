/**
 * Loading kubeconfigs with errors that say what to fix. Wraps client-node's KubeConfig, which on
 * its own falls back to `localhost:8080` and reports unknown contexts only at the first request.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig as ClientNodeKubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from './errors.js';
import { StaticKubeConfig, type KubeConfigLike } from './static-kubeconfig.js';

export type KubeConfig = ClientNodeKubeConfig;
export type { KubeConfigLike };

/**
 * client-node, loaded on first use: importing it costs about half a second, which every CLI
 * command would otherwise pay (Node >= 20.19 can require() ES modules synchronously).
 */
function clientNode(): typeof import('@kubernetes/client-node') {
  return createRequire(import.meta.url)('@kubernetes/client-node');
}

/** Where kubeconfigs are looked for, given the environment (injected for tests). */
export interface KubeConfigEnv {
  KUBECONFIG?: string;
  HOME?: string;
  KUBERNETES_SERVICE_HOST?: string;
}

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads a kubeconfig and selects a context.
 * - `file` given: that file only.
 * - otherwise: the files in `$KUBECONFIG` (missing ones skipped, first one wins on conflicts, as
 *   kubectl does), else `~/.kube/config`, else the in-cluster service account.
 * `context` defaults to the file's current-context. Throws KubeConfigError when nothing usable is
 * found or the context does not exist (the message lists the contexts that do).
 */
export function loadKubeConfig(
  file?: string,
  context?: string,
  env: KubeConfigEnv = process.env,
): KubeConfig {
  const kc = new (clientNode().KubeConfig)();
  if (file) {
    if (!existsSync(file)) throw new KubeConfigError(`kubeconfig file ${file} does not exist`);
    loadFile(kc, file);
  } else {
    const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
    const home = join(env.HOME || homedir(), '.kube', 'config');
    const files = listed.length ? listed.filter((f) => existsSync(f)) : existsSync(home) ? [home] : [];
    if (files.length) {
      loadFile(kc, files[0]);
      for (const f of files.slice(1)) {
        const other = new (clientNode().KubeConfig)();
        loadFile(other, f);
        mergeKeepingFirst(kc, other);
      }
    } else if (!listed.length && env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) {
      kc.loadFromCluster();
      return kc;
    } else {
      throw new KubeConfigError(
        listed.length
          ? `none of the kubeconfig files in $KUBECONFIG exist: ${listed.join(', ')}`
          : `no kubeconfig found: ${home} does not exist and $KUBECONFIG is not set`,
      );
    }
  }
  return selectContext(kc, context, file ?? 'the kubeconfig');
}

/**
 * Parses kubeconfig YAML (e.g. from an in-process space) and selects a context. Static
 * credentials take a fast path; anything else goes through client-node.
 */
export function kubeConfigFromString(yaml: string, context?: string): KubeConfigLike {
  const fast = StaticKubeConfig.parse(yaml, context);
  if (fast) return fast;
  const kc = new (clientNode().KubeConfig)();
  try {
    kc.loadFromString(yaml);
  } catch (e) {
    throw new KubeConfigError(`invalid kubeconfig: ${(e as Error).message}`);
  }
  return selectContext(kc, context, 'the kubeconfig');
}

function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new KubeConfigError(`cannot read kubeconfig ${file}: ${(e as Error).message}`);
  }
}

/** kubectl's merge rule: the first file to define a name wins, including current-context. */
function mergeKeepingFirst(into: KubeConfig, other: KubeConfig): void {
  const add = <T extends { name: string }>(list: T[], more: T[]) => {
    for (const x of more) if (!list.some((y) => y.name === x.name)) list.push(x);
  };
  add(into.clusters, other.clusters);
  add(into.users, other.users);
  add(into.contexts, other.contexts);
  if (!into.currentContext) into.currentContext = other.currentContext;
}

function selectContext(kc: KubeConfig, context: string | undefined, where: string): KubeConfig {
  const names = kc.getContexts().map((c) => c.name);
  const wanted = context || kc.getCurrentContext();
  if (!wanted)
    throw new KubeConfigError(
      `${where} has no current-context; pick one of: ${names.join(', ') || '(no contexts defined)'}`,
    );
  const ctx = kc.getContextObject(wanted);
  if (!ctx)
    throw new KubeConfigError(
      `context "${wanted}" not found in ${where}; available contexts: ${names.join(', ') || '(none)'}`,
    );
  if (!kc.getCluster(ctx.cluster))
    throw new KubeConfigError(`context "${wanted}" refers to cluster "${ctx.cluster}", which is not defined`);
  if (ctx.user && !kc.getUser(ctx.user))
    throw new KubeConfigError(`context "${wanted}" refers to user "${ctx.user}", which is not defined`);
  kc.setCurrentContext(wanted);
  return kc;
}
