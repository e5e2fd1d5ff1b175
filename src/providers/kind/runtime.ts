/**
 * What every kind step shares for one CLI command: settings, state, the Exec/Session pair, and
 * helpers for kind clusters, kubeconfigs (private files under KSTELLAR_HOME/kind/kubeconfigs and
 * contexts merged into the user's kubeconfig) and KubeFlex control planes.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KObject } from '../../api/meta.js';
import { writeFileAtomic } from '../../util/fs.js';
import { mergeContexts, ownedContexts } from '../kubeconfig-merge.js';
import type { ProviderContext } from '../types.js';
import { KindError } from './errors.js';
import type { Exec, Session } from './exec.js';
import { conditionTrue, renameKubeconfig, type KubeOps, type KubeTarget } from './kube.js';
import { kubeconfigFile, saveKindState, type KindLayout, type KindState } from './state.js';

export interface KindSettings {
  hostingName: string;
  port: number;
  domain: string;
  /** Host address the ingress port is published on. */
  listenAddress: string;
  engineImage: string;
}

export const hostContainerOf = (s: KindSettings): string => `${s.hostingName}-control-plane`;
export const hostingContextOf = (s: KindSettings): string => `kind-${s.hostingName}`;

/** Placeholder kubeconfig used in dry runs (never contacted). */
export function placeholderKubeconfig(name: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: ${name}, cluster: {server: 'https://${name}.invalid'}}]`,
    `users: [{name: ${name}, user: {token: dry-run}}]`,
    `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}}}]`,
    `current-context: ${name}`,
    '',
  ].join('\n');
}

export const CONTROL_PLANE_API = 'tenancy.kflex.kubestellar.org/v1alpha1';

export interface SecretRef {
  namespace: string;
  name: string;
  key?: string;
  inClusterKey: string;
}

export class KindRuntime {
  constructor(
    readonly ctx: ProviderContext,
    readonly layout: KindLayout,
    readonly state: KindState,
    readonly settings: KindSettings,
    readonly x: Exec,
    readonly session: Session,
    readonly pollMs: number,
  ) {}

  get dryRun(): boolean {
    return this.x.dryRun;
  }

  save(): void {
    if (!this.dryRun) saveKindState(this.layout, this.state);
  }

  /** kind's own kubeconfig file: kind writes here instead of the user's kubeconfig. */
  get kindKubeconfigFile(): string {
    return join(this.layout.dir, 'kind.kubeconfig');
  }

  async kindClusters(): Promise<string[]> {
    const r = await this.x.query('kind', ['get', 'clusters'], 30_000);
    if (r.exitCode !== 0)
      throw new KindError('E-COMMAND', `kind get clusters failed: ${r.stderr || r.stdout}`);
    return r.stdout
      .split('\n')
      .map((s) => s.trim())
      .filter((s) => s && !/^No kind clusters found/.test(s));
  }

  /** The (host-side) kubeconfig of a kind cluster, its context renamed to `name`. */
  async kindKubeconfig(cluster: string, name: string): Promise<string> {
    if (this.dryRun) return placeholderKubeconfig(name);
    const r = await this.x.query('kind', ['get', 'kubeconfig', '--name', cluster], 30_000);
    if (r.exitCode !== 0)
      throw new KindError(
        'E-COMMAND',
        `cannot read the kubeconfig of kind cluster ${cluster}: ${r.stderr || r.stdout}`,
      );
    return renameKubeconfig(r.stdout, name);
  }

  /** Private kubeconfig of a cluster or space (written by its kubeconfig step). */
  readKubeconfig(name: string): string | undefined {
    if (this.dryRun) return placeholderKubeconfig(name);
    const f = kubeconfigFile(this.layout, name);
    return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
  }

  async hostingTarget(): Promise<KubeTarget> {
    const name = hostingContextOf(this.settings);
    let text = this.readKubeconfig(name);
    if (!text) {
      text = await this.kindKubeconfig(this.settings.hostingName, name);
      this.writeKubeconfigFile(name, text);
    }
    return { name, kubeconfig: text };
  }

  hosting(): Promise<KubeOps> {
    return this.hostingTarget().then((t) => this.x.kube(t));
  }

  target(name: string): KubeTarget {
    const text = this.readKubeconfig(name);
    if (!text)
      throw new KindError(
        'E-NOT-INITIALIZED',
        `no kubeconfig for ${name} under ${this.layout.kubeconfigDir}`,
        {
          hint: `create it first (\`kstellar create ...\` / \`kstellar register-wec ...\`)`,
        },
      );
    return { name, kubeconfig: text };
  }

  kube(name: string): KubeOps {
    return this.x.kube(this.target(name));
  }

  writeKubeconfigFile(name: string, text: string): void {
    const file = kubeconfigFile(this.layout, name);
    if (this.dryRun) {
      this.x.plan.line(`write ${file} (mode 0600)`);
      return;
    }
    writeFileAtomic(file, text, 0o600);
  }

  /** Whether the private file and the merged context both hold `text` already. */
  kubeconfigInPlace(name: string, text: string, merge: boolean): boolean {
    const file = kubeconfigFile(this.layout, name);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) return false;
    return !merge || ownedContexts(this.ctx.kubeconfigPath, this.ctx.home).includes(name);
  }

  /** Writes the private file and (when `merge`) the context `name` into the user's kubeconfig. */
  storeKubeconfig(name: string, text: string, merge: boolean): void {
    this.writeKubeconfigFile(name, text);
    if (!merge) return;
    if (this.dryRun) {
      this.x.plan.line(`merge context ${name} into ${this.ctx.kubeconfigPath}`);
      return;
    }
    mergeContexts(this.ctx.kubeconfigPath, this.ctx.home, [{ name, kubeconfig: text }]);
  }

  removeKubeconfigFile(name: string): void {
    if (!this.dryRun) rmSync(kubeconfigFile(this.layout, name), { force: true });
  }

  /** A KubeFlex ControlPlane (from the hosting cluster). */
  async controlPlane(name: string): Promise<KObject | undefined> {
    return (await this.hosting()).get({ apiVersion: CONTROL_PLANE_API, kind: 'ControlPlane', name });
  }

  /** Where KubeFlex keeps a control plane's kubeconfigs, once it is ready. */
  static secretRefOf(cp: KObject | undefined): SecretRef | undefined {
    const ref = (cp as { status?: { secretRef?: SecretRef } } | undefined)?.status?.secretRef;
    return ref?.name && ref.namespace && ref.inClusterKey ? ref : undefined;
  }

  static cpReady(cp: KObject | undefined): boolean {
    return conditionTrue(cp, 'Ready');
  }

  /** A decoded key of a Secret in the hosting cluster (undefined when absent). */
  async secretValue(namespace: string, name: string, key: string): Promise<string | undefined> {
    const s = await (await this.hosting()).get({ apiVersion: 'v1', kind: 'Secret', name, namespace });
    const v = (s as { data?: Record<string, string> } | undefined)?.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  }

  /** Polls `probe` until it yields a value or the deadline passes. */
  async waitFor<T>(probe: () => Promise<T | undefined>, deadline: number): Promise<T | undefined> {
    for (;;) {
      const v = await probe().catch(() => undefined);
      if (v !== undefined) return v;
      if (Date.now() >= deadline) return undefined;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(this.pollMs, deadline - Date.now()))));
    }
  }
}
