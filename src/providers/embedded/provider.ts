/**
 * The embedded provider as the CLI sees it: starts the daemon (`kstellar serve`) in the
 * background, writes desired state into its hosting space and waits for the daemon to report it
 * Ready. Needs no container runtime; everything lives under KSTELLAR_HOME.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { CliError, ExitCode } from '../../cli/errors.js';
import { MANAGED_CLUSTER } from '../../api/gvr.js';
import type { KObject } from '../../api/meta.js';
import { DynamicClient } from '../../kube/dynamic.js';
import { isNotFound } from '../../kube/errors.js';
import { kubeConfigFromString, loadKubeConfig } from '../../kube/kubeconfig.js';
import { kubeconfigTarget } from '../kubeconfig-merge.js';
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
  SpaceType,
  WecRecord,
} from '../types.js';
import { daemonInfo, runningPid } from './pidfile.js';
import {
  CONTROL_PLANE,
  CP_TYPE_LABEL,
  EMBEDDED_CLUSTER,
  HOSTING_NAMESPACE,
  SECRET,
  isReady,
  kubeconfigSecretName,
  spokeSecretName,
  readyCondition,
  type ControlPlane,
  type EmbeddedCluster,
} from './hosting-api.js';
import { layoutOf, type Layout } from './layout.js';

const DEFAULT_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class EmbeddedProvider implements Provider {
  readonly name = 'embedded' as const;
  readonly layout: Layout;
  private hostingClient?: DynamicClient;

  constructor(private readonly ctx: ProviderContext) {
    this.layout = layoutOf(ctx.home);
  }

  async running(): Promise<boolean> {
    if (!daemonInfo(this.layout)) return false;
    try {
      await this.hosting().rest.requestRaw({ method: 'GET', path: '/readyz', timeoutMs: 3000 });
      return true;
    } catch {
      return false;
    }
  }

  /** The daemon's pid when it runs. */
  pid(): number | undefined {
    return runningPid(this.layout);
  }

  async init(opts: InitOptions): Promise<Outcome> {
    const step = this.ctx.ui.step('Starting the kstellar daemon');
    if (await this.running()) {
      step.skip(`kstellar daemon already running (pid ${this.pid()})`);
      return { changed: false };
    }
    if (opts.dryRun) {
      step.skip(`would start the kstellar daemon (${this.ctx.selfCommand.join(' ')} serve)`);
      return { changed: false };
    }
    // A daemon that holds the pid file but does not answer is starting up or dying: give it time.
    const until = Date.now() + 15_000;
    while (runningPid(this.layout) !== undefined && Date.now() < until) {
      if (await this.running()) {
        step.skip(`kstellar daemon already running (pid ${this.pid()})`);
        return { changed: false };
      }
      this.hostingClient = undefined;
      await sleep(200);
    }
    const stale = runningPid(this.layout);
    if (stale !== undefined)
      throw new CliError(
        `a kstellar daemon (pid ${stale}) holds ${this.layout.pidFile} but does not answer`,
        ExitCode.Precondition,
        `stop it (kill ${stale}) and run \`kstellar init\` again; its log is ${this.layout.logFile}`,
      );
    mkdirSync(this.ctx.home, { recursive: true, mode: 0o700 });
    const logStart = existsSync(this.layout.logFile) ? statSync(this.layout.logFile).size : 0;
    const log = openSync(this.layout.logFile, 'a', 0o600);
    const [cmd, ...args] = this.ctx.selfCommand;
    const child = spawn(cmd, [...args, 'serve', '--home', this.ctx.home], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, KSTELLAR_HOME: this.ctx.home },
    });
    closeSync(log);
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code ?? -1));
    child.unref();
    this.hostingClient = undefined;
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    while (!(await this.running())) {
      if (exited !== undefined || Date.now() > deadline) {
        const tail = readFileSync(this.layout.logFile, 'utf8').slice(logStart).trim().split('\n').slice(-5);
        step.fail('The kstellar daemon did not start');
        throw new CliError(
          exited !== undefined
            ? `the kstellar daemon exited with code ${exited}: ${lastError(tail)}`
            : 'the kstellar daemon did not become ready in time',
          ExitCode.Failed,
          `see ${this.layout.logFile}`,
        );
      }
      this.hostingClient = undefined;
      await sleep(100);
    }
    step.succeed(`kstellar daemon running (pid ${this.pid()}, log ${this.layout.logFile})`);
    await this.waitAllReady(opts.timeoutMs);
    return { changed: true };
  }

  /** After a (re)start: waits until every recorded space and WEC runs again. */
  private async waitAllReady(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const h = this.hosting();
    const [cps, ecs] = await Promise.all([
      h.list<ControlPlane>(CONTROL_PLANE),
      h.list<EmbeddedCluster>(EMBEDDED_CLUSTER),
    ]);
    const total = cps.items.length + ecs.items.length;
    if (!total) return;
    const step = this.ctx.ui.step(`Resuming ${cps.items.length} space(s) and ${ecs.items.length} WEC(s)`);
    for (const cp of cps.items)
      await this.waitReady(CONTROL_PLANE, cp.metadata!.name!, `space ${cp.metadata!.name}`, step, timeoutMs);
    for (const ec of ecs.items)
      await this.waitReady(EMBEDDED_CLUSTER, ec.metadata!.name!, `WEC ${ec.metadata!.name}`, step, timeoutMs);
    step.succeed(
      `Resumed ${cps.items
        .map((c) => c.metadata!.name)
        .concat(ecs.items.map((e) => e.metadata!.name!))
        .join(', ')}`,
    );
  }

  async createIts(name: string, opts: CreateSpaceOptions): Promise<Outcome> {
    return this.createSpace(name, 'its', opts);
  }

  async createWds(name: string, opts: CreateSpaceOptions): Promise<Outcome> {
    const its = opts.its!;
    const found = await this.getCp(its);
    if (!found || found.metadata?.labels?.[CP_TYPE_LABEL] !== 'its')
      throw new CliError(
        `there is no ITS named "${its}"`,
        ExitCode.Precondition,
        `create it first: kstellar create imbs ${its}`,
      );
    return this.createSpace(name, 'wds', opts);
  }

  private async createSpace(name: string, type: SpaceType, opts: CreateSpaceOptions): Promise<Outcome> {
    await this.requireRunning();
    const label = type === 'its' ? `ITS ${name}` : `WDS ${name}`;
    const step = this.ctx.ui.step(`Creating ${label}`);
    const existing = await this.getCp(name);
    if (existing) {
      const role = existing.metadata?.labels?.[CP_TYPE_LABEL];
      if (role !== type || (type === 'wds' && existing.spec?.its !== opts.its)) {
        step.fail();
        throw new CliError(
          `a space named "${name}" already exists as ${role === 'its' ? 'an ITS' : `a WDS of ITS ${existing.spec?.its}`}`,
          ExitCode.Precondition,
          'pick another name',
        );
      }
    } else if (!opts.dryRun) {
      await this.hosting().create(CONTROL_PLANE, {
        apiVersion: 'tenancy.kflex.kubestellar.org/v1alpha1',
        kind: 'ControlPlane',
        metadata: { name, labels: { [CP_TYPE_LABEL]: type } },
        spec: type === 'wds' ? { type: 'embedded', its: opts.its } : { type: 'embedded' },
      });
    }
    if (opts.dryRun) {
      step.skip(existing ? `${label} exists` : `would create ${label}`);
      return { changed: false };
    }
    await this.waitReady(CONTROL_PLANE, name, label, step, opts.timeoutMs);
    if (existing && isReady(existing)) step.skip(`${label} already exists`);
    else step.succeed(`${label} ready`);
    return { changed: !existing };
  }

  async registerWec(name: string, opts: RegisterWecOptions): Promise<Outcome> {
    await this.requireRunning();
    const step = this.ctx.ui.step(`Registering WEC ${name} with ${opts.its}`);
    const its = await this.getCp(opts.its);
    if (!its || its.metadata?.labels?.[CP_TYPE_LABEL] !== 'its') {
      step.fail();
      throw new CliError(
        `there is no ITS named "${opts.its}"`,
        ExitCode.Precondition,
        `create it first: kstellar create imbs ${opts.its}`,
      );
    }
    const existing = await this.getEc(name);
    if (existing && existing.spec.its !== opts.its) {
      step.fail();
      throw new CliError(
        `WEC "${name}" is already registered with ITS ${existing.spec.its}`,
        ExitCode.Precondition,
        'pick another name',
      );
    }
    let changed = false;
    if (opts.dryRun) {
      step.skip(existing ? `WEC ${name} exists` : `would create embedded WEC ${name}`);
      return { changed: false };
    }
    const external = opts.kubeconfig !== undefined || opts.context !== undefined;
    if (!existing) {
      const spec: EmbeddedCluster['spec'] = { its: opts.its, labels: opts.labels };
      if (external) spec.kubeconfigSecret = await this.storeSpokeKubeconfig(name, opts, step);
      await this.hosting().create(EMBEDDED_CLUSTER, {
        apiVersion: 'kstellar.io/v1alpha1',
        kind: 'EmbeddedCluster',
        metadata: { name },
        spec,
      });
      changed = true;
    } else if (external !== !!existing.spec.kubeconfigSecret) {
      step.fail();
      throw new CliError(
        `WEC "${name}" is already registered as ${existing.spec.kubeconfigSecret ? 'an existing cluster' : 'an embedded WEC'}`,
        ExitCode.Precondition,
        'pick another name',
      );
    }
    await this.waitReady(EMBEDDED_CLUSTER, name, `WEC ${name}`, step, opts.timeoutMs);
    if (existing) changed = await this.relabel(name, opts.its, existing, opts.labels);
    if (changed) step.succeed(`WEC ${name} registered with ${opts.its} (${formatLabels(opts.labels)})`);
    else step.skip(`WEC ${name} already registered with ${opts.its}`);
    return { changed };
  }

  /**
   * Checks that the existing cluster answers with the given kubeconfig and context, then keeps
   * that kubeconfig in the hosting space for the daemon's agent (it runs on this machine, so
   * file references and exec plugins in it keep working).
   */
  private async storeSpokeKubeconfig(
    name: string,
    opts: RegisterWecOptions,
    step: { fail(t?: string): void },
  ): Promise<string> {
    const file = opts.kubeconfig ?? kubeconfigTarget();
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
      const spoke = DynamicClient.fromKubeConfig(loadKubeConfig(file, opts.context), { timeoutMs: 10_000 });
      await spoke.rest.requestRaw({ path: '/version', timeoutMs: 10_000 });
      spoke.rest.close();
    } catch (e) {
      step.fail();
      throw new CliError(
        `cannot reach cluster "${name}" with ${file}${opts.context ? ` (context ${opts.context})` : ''}: ${(e as Error).message}`,
        ExitCode.Precondition,
        'check the kubeconfig and context: `kubectl --kubeconfig FILE --context C get --raw /version` must work',
      );
    }
    const secret = spokeSecretName(name);
    const data: Record<string, string> = { kubeconfig: Buffer.from(text).toString('base64') };
    if (opts.context) data.context = Buffer.from(opts.context).toString('base64');
    await this.hosting().create(
      SECRET,
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secret, namespace: HOSTING_NAMESPACE },
        type: 'Opaque',
        data,
      },
      { namespace: HOSTING_NAMESPACE },
    );
    return secret;
  }

  /** Adds the given labels to an existing WEC's ManagedCluster (others it has are kept). */
  private async relabel(
    name: string,
    its: string,
    ec: EmbeddedCluster,
    labels: Record<string, string>,
  ): Promise<boolean> {
    const itsClient = await this.spaceClient(its);
    const mc = await itsClient.get<KObject>(MANAGED_CLUSTER, name);
    const missing = Object.entries(labels).filter(([k, v]) => mc.metadata?.labels?.[k] !== v);
    if (!missing.length) return false;
    await itsClient.patch(
      MANAGED_CLUSTER,
      name,
      { metadata: { labels: Object.fromEntries(missing) } },
      { type: 'merge' },
    );
    await this.hosting().patch(
      EMBEDDED_CLUSTER,
      name,
      { spec: { labels: { ...(ec.spec.labels ?? {}), ...labels } } },
      { type: 'merge' },
    );
    return true;
  }

  async inventory(): Promise<Inventory> {
    if (!(await this.running())) return { provider: 'embedded', spaces: [], wecs: [] };
    const h = this.hosting();
    const [cps, ecs, secrets] = await Promise.all([
      h.list<ControlPlane>(CONTROL_PLANE),
      h.list<EmbeddedCluster>(EMBEDDED_CLUSTER),
      h.list<KObject>(SECRET, { namespace: HOSTING_NAMESPACE }),
    ]);
    const kubeconfigOf = (name: string) => {
      const s = secrets.items.find((x) => x.metadata?.name === kubeconfigSecretName(name));
      return s?.data?.kubeconfig ? Buffer.from(s.data.kubeconfig, 'base64').toString('utf8') : undefined;
    };
    const spaces: SpaceRecord[] = cps.items.map((cp) => ({
      name: cp.metadata!.name!,
      type: cp.metadata?.labels?.[CP_TYPE_LABEL] === 'wds' ? 'wds' : 'its',
      its: cp.spec?.its,
      kubeconfig: kubeconfigOf(cp.metadata!.name!),
      ready: isReady(cp),
      message: readyCondition(cp)?.message,
    }));
    const wecs: WecRecord[] = ecs.items.map((ec) => ({
      name: ec.metadata!.name!,
      its: ec.spec.its,
      labels: ec.spec.labels ?? {},
      managed: !ec.spec.kubeconfigSecret,
      kubeconfig: kubeconfigOf(ec.metadata!.name!),
      ready: isReady(ec),
      message: readyCondition(ec)?.message,
    }));
    return { provider: 'embedded', spaces, wecs };
  }

  async down(opts: DownOptions): Promise<Outcome> {
    const pid = runningPid(this.layout);
    const present = existsSync(this.layout.root) || pid !== undefined;
    if (opts.dryRun) {
      if (pid !== undefined) this.ctx.ui.info(`would stop the kstellar daemon (pid ${pid})`);
      if (present) this.ctx.ui.info(`would remove ${this.layout.root}`);
      return { changed: false };
    }
    if (pid !== undefined) {
      const step = this.ctx.ui.step(`Stopping the kstellar daemon (pid ${pid})`);
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 20_000;
      while (runningPid(this.layout) === pid && Date.now() < deadline) await sleep(100);
      if (runningPid(this.layout) === pid) {
        process.kill(pid, 'SIGKILL');
        while (runningPid(this.layout) === pid) await sleep(50);
      }
      step.succeed('kstellar daemon stopped');
    }
    if (present) {
      rmSync(this.layout.root, { recursive: true, force: true });
      rmSync(this.layout.pidFile, { force: true });
      rmSync(this.layout.logFile, { force: true });
      this.ctx.ui.step('Removing state').succeed(`removed ${this.layout.root}`);
    }
    return { changed: present };
  }

  /** A client for one space or WEC, from its published kubeconfig. */
  async spaceClient(name: string): Promise<DynamicClient> {
    const s = await this.hosting()
      .get<KObject>(SECRET, kubeconfigSecretName(name), { namespace: HOSTING_NAMESPACE })
      .catch((e) => {
        if (isNotFound(e)) throw new CliError(`no kubeconfig for "${name}" yet`, ExitCode.Precondition);
        throw e;
      });
    return DynamicClient.fromKubeConfig(
      kubeConfigFromString(Buffer.from(s.data.kubeconfig, 'base64').toString()),
    );
  }

  private hosting(): DynamicClient {
    if (!this.hostingClient) {
      if (!existsSync(this.layout.hostingKubeconfig))
        throw new CliError('kstellar is not initialised', ExitCode.Precondition, 'run `kstellar init` first');
      this.hostingClient = DynamicClient.fromKubeConfig(
        kubeConfigFromString(readFileSync(this.layout.hostingKubeconfig, 'utf8')),
        {
          qps: 1000,
          burst: 1000,
        },
      );
    }
    return this.hostingClient;
  }

  private async requireRunning(): Promise<void> {
    if (!(await this.running()))
      throw new CliError(
        'the kstellar daemon is not running',
        ExitCode.Precondition,
        'run `kstellar init` (it resumes an existing installation with all its state)',
      );
  }

  private async getCp(name: string): Promise<ControlPlane | undefined> {
    return this.hosting()
      .get<ControlPlane>(CONTROL_PLANE, name)
      .catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }

  private async getEc(name: string): Promise<EmbeddedCluster | undefined> {
    return this.hosting()
      .get<EmbeddedCluster>(EMBEDDED_CLUSTER, name)
      .catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
  }

  private async waitReady(
    res: typeof CONTROL_PLANE,
    name: string,
    label: string,
    step: { update(t: string): void; fail(t?: string): void },
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const obj = await this.hosting().get<ControlPlane>(res, name);
      if (isReady(obj) && obj.status?.observedGeneration === obj.metadata?.generation) return;
      const cond = readyCondition(obj);
      if (cond?.message) step.update(cond.message);
      if (Date.now() > deadline) {
        step.fail(`${label} is not ready`);
        throw new CliError(
          `${label} did not become ready within ${Math.round(timeoutMs / 1000)} s${cond?.message ? `: ${cond.message}` : ''}`,
          ExitCode.Failed,
          `see ${this.layout.logFile}`,
        );
      }
      await sleep(100);
    }
  }
}

const formatLabels = (l: Record<string, string>) =>
  Object.entries(l)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ') || 'no labels';

function lastError(lines: string[]): string {
  for (const l of lines.reverse()) {
    try {
      const j = JSON.parse(l) as { msg?: string; err?: { message?: string } };
      if (j.err?.message) return j.err.message;
      if (j.msg) return j.msg;
    } catch {
      if (l.trim()) return l.trim();
    }
  }
  return 'no output';
}
