/**
 * The kind provider: real clusters. A kind cluster hosts KubeFlex; each ITS is a KubeFlex vcluster
 * made an OCM hub, each WDS a KubeFlex k8s control plane with the engine running next to it as a
 * container; WECs are kind clusters (or existing clusters) joined through OCM's klusterlet. Every
 * command is a list of observe -> act -> verify steps (see exec.ts); with --dry-run the same steps
 * print their plan instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, ExitCode } from '../../cli/errors.js';
import type { KObject } from '../../api/meta.js';
import { loadKubeConfig } from '../../kube/kubeconfig.js';
import { readState, removeState, writeState } from '../state.js';
import type {
  CreateSpaceOptions,
  DownOptions,
  InitOptions,
  Inventory,
  Outcome,
  Provider,
  ProviderContext,
  RegisterWecOptions,
  SpaceRecord,
  WecRecord,
} from '../types.js';
import { KindError } from './errors.js';
import { Exec, Session, withHint, type Tool } from './exec.js';
import { Plan } from './plan.js';
import { conditionTrue, realKubeFactory, renameKubeconfig, type KubeFactory } from './kube.js';
import {
  preflightBlocked,
  renderPreflight,
  runPreflight,
  runtimeBinary,
  type PreflightOptions,
} from './preflight.js';
import { createExecaRunner, loggingRunner, type Runner } from './runner.js';
import { CONTROL_PLANE_API, hostingContextOf, KindRuntime, type KindSettings } from './runtime.js';
import {
  kindLayout,
  kubeconfigFile,
  loadKindState,
  removeKindState,
  upsertSpace,
  upsertWec,
  type KindLayout,
  type KindState,
} from './state.js';
import { downSteps } from './steps-down.js';
import { hostingSteps } from './steps-hosting.js';
import { itsSteps, wdsSteps } from './steps-spaces.js';
import { registrationSteps, wecClusterSteps } from './steps-wec.js';
import { httpFetcher, PINS, resolveTool, type Fetcher, type ResolvedTool } from './tools.js';
import { defaultEngineImage } from './versions.js';

export interface KindProviderOptions {
  /** Runs docker/kind/helm (default: execa). */
  runner?: Runner;
  /** Downloads pinned tools (default: HTTPS). */
  fetcher?: Fetcher;
  /** Kubernetes clients (default: src/kube DynamicClient). */
  kube?: KubeFactory;
  /** Keep what a failed command created instead of removing it. */
  retain?: boolean;
  /** Print the plan instead of acting (also per call through the options). */
  dryRun?: boolean;
  /** Hosting kind cluster name (default `kubeflex`). */
  hostingName?: string;
  /** Host port of the ingress (default 9443). */
  port?: number;
  /** Wildcard domain resolving to 127.0.0.1 (default `localtest.me`). */
  domain?: string;
  /** Engine image (default KSTELLAR_ENGINE_IMAGE, else the published image of this version). */
  engineImage?: string;
  /** Poll interval of verify loops (default 2 s). */
  pollMs?: number;
  /** Where plans go (default stdout). */
  out?(text: string): void;
  /** Preflight probes, replaceable in tests. */
  preflight?: Pick<PreflightOptions, 'portFree' | 'resolve' | 'readSysctl' | 'platform'>;
  /** Run init without preflight (only for tests of later steps). */
  skipPreflight?: boolean;
  env?: NodeJS.ProcessEnv;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkName(what: string, name: string): void {
  if (!NAME.test(name) || name.length > 40)
    throw new CliError(
      `${what} name "${name}" is not valid`,
      ExitCode.Usage,
      'use lower-case letters, digits and dashes (at most 40), e.g. "its1"',
    );
}

export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      try {
        const p = JSON.parse(readFileSync(f, 'utf8'));
        if (p.name === 'kstellar') return p.version;
      } catch {
        /* keep walking up */
      }
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

export class KindProvider implements Provider {
  readonly name = 'kind' as const;
  readonly layout: KindLayout;
  private readonly runner: Runner;
  private readonly kube: KubeFactory;
  private readonly tools: Partial<Record<'kind' | 'helm', ResolvedTool>> = {};

  constructor(
    private readonly ctx: ProviderContext,
    private readonly opts: KindProviderOptions = {},
  ) {
    this.layout = kindLayout(ctx.home);
    this.runner = loggingRunner(opts.runner ?? createExecaRunner(), ctx.ui);
    this.kube = opts.kube ?? realKubeFactory();
  }

  private settings(state: KindState): KindSettings {
    const env = this.opts.env ?? process.env;
    return {
      hostingName: state.hosting?.name ?? this.opts.hostingName ?? 'kubeflex',
      port: state.hosting?.port ?? this.opts.port ?? 9443,
      domain: state.hosting?.domain ?? this.opts.domain ?? 'localtest.me',
      listenAddress: '127.0.0.1',
      engineImage: this.opts.engineImage ?? env.KSTELLAR_ENGINE_IMAGE ?? defaultEngineImage(packageVersion()),
    };
  }

  private toolPath(tool: Tool): string {
    if (tool === 'docker') return runtimeBinary(this.opts.env);
    const pinned = join(this.ctx.home, 'bin', tool);
    return this.tools[tool]?.path ?? (existsSync(pinned) ? pinned : tool);
  }

  /** Runs one command's steps; prints the plan on a dry run, cleans up on failure. */
  private async command(
    heading: string,
    dryRunOpt: boolean | undefined,
    timeoutMs: number | undefined,
    fn: (k: KindRuntime, rollback: (f: () => void) => void) => Promise<void>,
  ): Promise<Outcome> {
    const dryRun = Boolean(this.opts.dryRun || dryRunOpt);
    const plan = new Plan();
    const x = new Exec({
      runner: this.runner,
      kube: this.kube,
      ui: this.ctx.ui,
      dryRun,
      plan,
      toolPath: (t) => this.toolPath(t),
    });
    const pollMs = this.opts.pollMs ?? 2000;
    const session = new Session(x, this.ctx.ui, { retain: Boolean(this.opts.retain), pollMs, timeoutMs });
    const state = loadKindState(this.layout);
    const k = new KindRuntime(this.ctx, this.layout, state, this.settings(state), x, session, pollMs);
    const rollbacks: (() => void)[] = [];
    try {
      await fn(k, (f) => rollbacks.push(f));
    } catch (e) {
      if (dryRun) throw e;
      const note = await session.cleanup();
      if (!this.opts.retain) {
        for (const f of rollbacks.reverse()) f();
        k.save();
      }
      throw withHint(e, note);
    }
    if (dryRun) {
      (this.opts.out ?? ((t: string) => process.stdout.write(t)))(
        plan.render(`Plan for \`kstellar ${heading}\` (dry run: nothing was run or changed)`),
      );
      return { changed: false };
    }
    return { changed: session.changed };
  }

  private async preflightStep(k: KindRuntime, spaces: string[], wecs: string[]): Promise<void> {
    if (k.dryRun) {
      k.x.plan.begin('Preflight checks');
      k.x.plan.line(
        `check: container runtime, resources, inotify limits, kind/helm/kubectl versions, port ${k.settings.port}, names (${[hostingContextOf(k.settings), ...spaces, ...wecs].join(', ')}), DNS, kubeconfig`,
      );
      return;
    }
    const h = this.ctx.ui.step('Preflight checks');
    const results = await runPreflight({
      runner: this.runner,
      home: this.ctx.home,
      kubeconfigPath: this.ctx.kubeconfigPath,
      state: k.state,
      hostingName: k.settings.hostingName,
      port: k.settings.port,
      domain: k.settings.domain,
      spaces,
      wecs,
      kindPath: this.tools.kind?.path,
      ...this.opts.preflight,
    });
    const fails = results.filter((r) => r.status === 'fail');
    if (preflightBlocked(results)) {
      h.fail(`Preflight checks: ${fails.length} blocking`);
      throw new KindError(
        'E-PREFLIGHT',
        `preflight failed: ${fails.map((f) => `${f.id} ${f.name}: ${f.observed}`).join('; ')}`,
        {
          exitCode: ExitCode.Precondition,
          hint: renderPreflight(results).trimEnd(),
        },
      );
    }
    const warns = results.filter((r) => r.status === 'warn');
    // A check changes nothing, so it reports like an unchanged step.
    h.skip(
      `Preflight checks: ${results.length - warns.length} passed${warns.length ? `, ${warns.length} warnings` : ''}`,
    );
    for (const w of warns) this.ctx.ui.warn(`${w.id} ${w.name}: ${w.observed}${w.fix ? ` (${w.fix})` : ''}`);
  }

  private async ensureTools(k: KindRuntime, names: ('kind' | 'helm')[] = ['kind', 'helm']): Promise<void> {
    if (k.dryRun) {
      k.x.plan.begin('Tools');
      for (const n of names)
        k.x.plan.line(
          `${n}: the one on PATH if ${PINS[n].tested.min} <= version < ${PINS[n].tested.below}, else v${PINS[n].version} fetched into ${join(this.ctx.home, 'bin', n)} (sha256-checked)`,
        );
      return;
    }
    const missing = names.filter((n) => !this.tools[n]);
    if (!missing.length) return;
    const h = this.ctx.ui.step(`Tools: ${missing.join(', ')}`);
    try {
      for (const n of missing)
        this.tools[n] = await resolveTool(n, {
          runner: this.runner,
          fetcher: this.opts.fetcher ?? httpFetcher,
          home: this.ctx.home,
          onFetch: (name, url) => h.update(`fetching ${name} from ${url}`),
        });
    } catch (e) {
      h.fail(`Tools: ${(e as Error).message.split('\n')[0]}`);
      throw e;
    }
    const desc = names
      .map(
        (n) =>
          `${n} v${this.tools[n]!.version.join('.')} (${this.tools[n]!.source === 'path' ? 'PATH' : this.tools[n]!.path})`,
      )
      .join(', ');
    if (names.some((n) => this.tools[n]!.source === 'fetched')) h.succeed(`Tools: ${desc}`);
    else h.skip(`Tools: ${desc}`);
  }

  private requireHosting(k: KindRuntime): void {
    if (!k.dryRun && !k.state.hosting)
      throw new KindError('E-NOT-INITIALIZED', `no kind installation in ${this.ctx.home}`, {
        exitCode: ExitCode.Precondition,
      });
  }

  private recordInstall(k: KindRuntime): void {
    if (k.dryRun) return;
    const existing = readState(this.ctx.home);
    if (!existing)
      writeState(this.ctx.home, {
        version: 1,
        provider: 'kind',
        createdAt: new Date().toISOString(),
        kubeconfigPath: this.ctx.kubeconfigPath,
      });
  }

  private checkHome(): void {
    const existing = readState(this.ctx.home);
    if (existing && existing.provider !== 'kind')
      throw new CliError(
        `${this.ctx.home} holds an installation of the ${existing.provider} provider`,
        ExitCode.Precondition,
        'run `kstellar down` first, or use another KSTELLAR_HOME',
      );
  }

  async init(opts: InitOptions): Promise<Outcome> {
    this.checkHome();
    const quick = Boolean(opts.quickstart);
    return this.command(
      `init --provider kind${quick ? ' --quickstart' : ''}`,
      opts.dryRun,
      opts.timeoutMs,
      async (k, rollback) => {
        const spaces = quick ? ['its1', 'wds1'] : [];
        const wecs = quick ? ['cluster1', 'cluster2'] : [];
        if (!this.opts.skipPreflight) await this.preflightStep(k, spaces, wecs);
        await this.ensureTools(k);
        await hostingSteps(k);
        this.recordInstall(k);
        if (!quick) return;
        await this.its(k, 'its1', rollback);
        await this.wds(k, 'wds1', 'its1', rollback);
        for (const c of wecs)
          await this.wec(
            k,
            { name: c, its: 'its1', labels: { 'location-group': 'edge', name: c } },
            undefined,
            rollback,
          );
      },
    );
  }

  async running(): Promise<boolean> {
    const state = loadKindState(this.layout);
    if (!state.hosting) return false;
    const r = await this.runner.run(this.toolPath('kind'), ['get', 'clusters'], { timeoutMs: 20_000 });
    if (
      r.exitCode !== 0 ||
      !r.stdout
        .split('\n')
        .map((s) => s.trim())
        .includes(state.hosting.name)
    )
      return false;
    const file = kubeconfigFile(this.layout, `kind-${state.hosting.name}`);
    if (!existsSync(file)) return false;
    try {
      await this.kube({ name: 'hosting', kubeconfig: readFileSync(file, 'utf8') }).get({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'default',
      });
      return true;
    } catch {
      return false;
    }
  }

  private recordSpace(
    k: KindRuntime,
    name: string,
    type: 'its' | 'wds',
    its: string | undefined,
    rollback: (f: () => void) => void,
  ): void {
    const prior = k.state.spaces.find((s) => s.name === name);
    if (prior && prior.type !== type)
      throw new CliError(
        `${name} is already a${prior.type === 'its' ? 'n ITS' : ' WDS'}`,
        ExitCode.Usage,
        'choose another name',
      );
    if (k.state.wecs.some((w) => w.name === name))
      throw new CliError(`${name} is already the name of a WEC`, ExitCode.Usage, 'choose another name');
    upsertSpace(k.state, { name, type, ...(its ? { its } : {}) });
    k.save();
    if (!prior) rollback(() => (k.state.spaces = k.state.spaces.filter((s) => s.name !== name)));
  }

  private async its(k: KindRuntime, name: string, rollback: (f: () => void) => void): Promise<void> {
    this.recordSpace(k, name, 'its', undefined, rollback);
    await itsSteps(k, name);
  }

  private async wds(
    k: KindRuntime,
    name: string,
    its: string,
    rollback: (f: () => void) => void,
  ): Promise<void> {
    this.recordSpace(k, name, 'wds', its, rollback);
    await wdsSteps(k, name, its);
  }

  async createIts(name: string, opts: CreateSpaceOptions): Promise<Outcome> {
    checkName('ITS', name);
    return this.command(`create imbs ${name}`, opts.dryRun, opts.timeoutMs, async (k, rollback) => {
      this.requireHosting(k);
      await this.ensureTools(k);
      await this.its(k, name, rollback);
    });
  }

  async createWds(name: string, opts: CreateSpaceOptions): Promise<Outcome> {
    checkName('WDS', name);
    return this.command(`create wds ${name}`, opts.dryRun, opts.timeoutMs, async (k, rollback) => {
      this.requireHosting(k);
      const itses = k.state.spaces.filter((s) => s.type === 'its').map((s) => s.name);
      const its =
        opts.its ?? (itses.length === 1 ? itses[0] : k.dryRun && !itses.length ? 'its1' : undefined);
      if (!its)
        throw new CliError(
          itses.length
            ? `several ITSes exist (${itses.join(', ')}); say which one with --its`
            : 'no ITS exists yet',
          ExitCode.Usage,
          itses.length ? undefined : 'create one first: `kstellar create imbs its1`',
        );
      if (!k.dryRun && !itses.includes(its))
        throw new CliError(
          `ITS ${its} does not exist`,
          ExitCode.Usage,
          `ITSes: ${itses.join(', ') || '(none)'}`,
        );
      await this.ensureTools(k);
      await this.wds(k, name, its, rollback);
    });
  }

  async registerWec(name: string, opts: RegisterWecOptions): Promise<Outcome> {
    checkName('WEC', name);
    return this.command(`register-wec ${name}`, opts.dryRun, opts.timeoutMs, async (k, rollback) => {
      this.requireHosting(k);
      const its = k.state.spaces.find((s) => s.name === opts.its && s.type === 'its');
      if (!its && !k.dryRun)
        throw new CliError(
          `ITS ${opts.its} does not exist`,
          ExitCode.Usage,
          'create it first: `kstellar create imbs <name>`',
        );
      await this.ensureTools(k);
      const existing =
        opts.kubeconfig || opts.context ? { file: opts.kubeconfig, context: opts.context } : undefined;
      await this.wec(k, { name, its: opts.its, labels: opts.labels }, existing, rollback);
    });
  }

  private async wec(
    k: KindRuntime,
    w: { name: string; its: string; labels: Record<string, string> },
    existing: { file?: string; context?: string } | undefined,
    rollback: (f: () => void) => void,
  ): Promise<void> {
    if (k.state.spaces.some((s) => s.name === w.name))
      throw new CliError(`${w.name} is already the name of a space`, ExitCode.Usage, 'choose another name');
    const prior = k.state.wecs.find((x) => x.name === w.name);
    const record = (createdCluster: boolean) => {
      upsertWec(k.state, {
        ...w,
        createdCluster: prior?.createdCluster ?? createdCluster,
        ...(existing ? { kubeconfigSource: existing } : {}),
      });
      k.save();
      if (!prior) rollback(() => (k.state.wecs = k.state.wecs.filter((x) => x.name !== w.name)));
    };
    let text: string | undefined;
    if (existing) {
      if (k.dryRun) k.x.plan.begin(`Existing cluster ${w.name}`);
      else {
        try {
          text = renameKubeconfig(loadKubeConfig(existing.file, existing.context).exportConfig(), w.name);
        } catch (e) {
          throw new CliError(
            `cannot use the kubeconfig for ${w.name}: ${(e as Error).message}`,
            ExitCode.Usage,
          );
        }
      }
      k.writeKubeconfigFile(w.name, text ?? '');
      record(false);
    } else {
      const owned = Boolean(prior?.createdCluster);
      if (owned) record(true);
      await wecClusterSteps(k, w.name, { owned, onCreated: () => record(true) });
    }
    await registrationSteps(k, { ...w, existing: text });
  }

  async inventory(): Promise<Inventory> {
    const state = loadKindState(this.layout);
    const read = (n: string) => {
      const f = kubeconfigFile(this.layout, n);
      return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
    };
    const hostingText = state.hosting ? read(`kind-${state.hosting.name}`) : undefined;
    const spaces: SpaceRecord[] = [];
    for (const s of state.spaces) {
      const rec: SpaceRecord = {
        name: s.name,
        type: s.type,
        ...(s.its ? { its: s.its } : {}),
        kubeconfig: read(s.name),
        ready: false,
      };
      try {
        if (!hostingText) throw new Error('hosting cluster kubeconfig missing');
        const cp = await this.kube({ name: 'hosting', kubeconfig: hostingText }).get({
          apiVersion: CONTROL_PLANE_API,
          kind: 'ControlPlane',
          name: s.name,
        });
        rec.ready = Boolean(cp && conditionTrue(cp, 'Ready') && rec.kubeconfig);
        if (!rec.ready) rec.message = cp ? 'control plane not ready' : 'control plane missing';
      } catch (e) {
        rec.message = `hosting cluster not reachable: ${(e as Error).message}`;
      }
      spaces.push(rec);
    }
    const wecs: WecRecord[] = [];
    for (const w of state.wecs) {
      const rec: WecRecord = {
        name: w.name,
        its: w.its,
        labels: w.labels,
        managed: w.createdCluster,
        kubeconfig: read(w.name),
        ready: false,
      };
      try {
        const itsText = read(w.its);
        if (!itsText) throw new Error(`no kubeconfig for ${w.its}`);
        const mc: KObject | undefined = await this.kube({ name: w.its, kubeconfig: itsText }).get({
          apiVersion: 'cluster.open-cluster-management.io/v1',
          kind: 'ManagedCluster',
          name: w.name,
        });
        rec.ready =
          conditionTrue(mc, 'ManagedClusterJoined') && conditionTrue(mc, 'ManagedClusterConditionAvailable');
        if (mc?.metadata?.labels) rec.labels = mc.metadata.labels;
        if (!rec.ready) rec.message = mc ? 'not joined or not available' : 'not registered';
      } catch (e) {
        rec.message = `${w.its} not reachable: ${(e as Error).message}`;
      }
      wecs.push(rec);
    }
    return { provider: 'kind', spaces, wecs };
  }

  async down(opts: DownOptions): Promise<Outcome> {
    return this.command('down --provider kind', opts.dryRun, undefined, async (k) => {
      const st = k.state;
      if (!st.hosting && !st.wecs.length && !st.spaces.length) {
        if (k.dryRun) {
          k.x.plan.begin('Nothing to remove');
          k.x.plan.line(`no kind installation is recorded in ${this.ctx.home}`);
        } else
          this.ctx.ui
            .step('Nothing to remove')
            .skip(`Nothing to remove: no kind installation recorded in ${this.ctx.home}`);
        return;
      }
      await this.ensureTools(k, ['kind']);
      await downSteps(k, { portFree: this.opts.preflight?.portFree });
      if (k.dryRun) {
        k.x.plan.begin('Forget the installation');
        k.x.plan.line(`remove ${this.layout.dir} and ${join(this.ctx.home, 'state.json')}`);
        return;
      }
      removeKindState(this.layout);
      if (readState(this.ctx.home)?.provider === 'kind') removeState(this.ctx.home);
      k.session.changed = true;
    });
  }
}

/** Exported for `init` to pick a provider: whether a container runtime answers. */
export async function containerRuntimeAvailable(
  runner: Runner = createExecaRunner(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const r = await runner.run(runtimeBinary(env), ['info', '--format', '{{.ServerVersion}}'], {
    timeoutMs: 15_000,
  });
  return r.exitCode === 0 && r.stdout.trim() !== '' && !/error/i.test(r.stdout);
}
