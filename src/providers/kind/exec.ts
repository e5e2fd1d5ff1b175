/**
 * How the kind provider acts: `Exec` runs tools and Kubernetes writes (or, with --dry-run, only
 * writes them into the Plan), and `Session` runs steps as observe -> act -> verify with a timeout
 * and a spinner, remembering how to undo what it did so a failed command can clean up after
 * itself (unless --retain).
 */
import { stringify } from 'yaml';
import type { KObject } from '../../api/meta.js';
import { CliError } from '../../cli/errors.js';
import { isNetworkError } from '../../kube/errors.js';
import type { Ui } from '../types.js';
import { commandError, KindError } from './errors.js';
import { describeRef, refOf, type KubeFactory, type KubeOps, type KubeTarget } from './kube.js';
import { Plan, redact } from './plan.js';
import { formatCommand, type RunResult, type Runner } from './runner.js';

export type Tool = 'kind' | 'helm' | 'docker';

export interface RunSpec {
  /** What the command does, for error messages ("create kind cluster kubeflex"). */
  what: string;
  input?: string;
  /** How to label `input` in the plan (e.g. "values"). */
  inputLabel?: string;
  timeoutMs?: number;
  /** Accept a non-zero exit (e.g. "already exists" handled by the caller). */
  accept?(r: RunResult): boolean;
}

export interface ExecOptions {
  runner: Runner;
  kube: KubeFactory;
  ui: Ui;
  dryRun: boolean;
  plan: Plan;
  /** The binary for each tool (pinned paths once resolved). */
  toolPath(tool: Tool): string;
}

export class Exec {
  constructor(readonly o: ExecOptions) {}

  get dryRun(): boolean {
    return this.o.dryRun;
  }

  get plan(): Plan {
    return this.o.plan;
  }

  /** Runs a tool that changes something; in a dry run it is only recorded. Throws on failure. */
  async run(tool: Tool, args: readonly string[], spec: RunSpec): Promise<RunResult> {
    const file = this.o.toolPath(tool);
    if (this.dryRun) {
      this.plan.line(`$ ${formatCommand(tool, args)}`);
      if (spec.input !== undefined) this.plan.block(`  ${spec.inputLabel ?? 'stdin'}`, spec.input);
      return {
        command: formatCommand(file, args),
        exitCode: 0,
        stdout: '',
        stderr: '',
        timedOut: false,
        notFound: false,
      };
    }
    const r = await this.o.runner.run(file, args, { input: spec.input, timeoutMs: spec.timeoutMs });
    if (r.exitCode !== 0 && !spec.accept?.(r)) throw commandError(r, spec.what);
    return r;
  }

  /** Runs a read-only command (observe, verify); never part of a plan. */
  query(tool: Tool, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
    if (this.dryRun) throw new Error(`internal: query ${tool} ${args.join(' ')} during a dry run`);
    return this.o.runner.run(this.o.toolPath(tool), args, { timeoutMs });
  }

  /** Kubernetes calls to one cluster or space; writes are logged (--verbose) or, dry, planned. */
  kube(target: KubeTarget): KubeOps {
    return this.dryRun
      ? planKubeOps(target, this.plan)
      : loggingKubeOps(this.o.kube(target), target.name, this.o.ui);
  }

  /** A plan-only description of something the step does that is not a command (dry run). */
  note(text: string): void {
    if (this.dryRun) this.plan.line(text);
  }
}

/** KubeOps that logs every write at --verbose. */
function loggingKubeOps(inner: KubeOps, name: string, ui: Ui): KubeOps {
  return {
    ...inner,
    apply(obj) {
      ui.verbose(`kube ${name}: apply ${describeRef(refOf(obj))}`);
      return inner.apply(obj);
    },
    patch(ref, patch, type) {
      ui.verbose(`kube ${name}: ${type}-patch ${describeRef(ref)} ${JSON.stringify(patch)}`);
      return inner.patch(ref, patch, type);
    },
    updateSubresource(obj, sub) {
      ui.verbose(`kube ${name}: update ${obj.kind} ${obj.metadata?.name}/${sub}`);
      return inner.updateSubresource(obj, sub);
    },
    remove(ref) {
      ui.verbose(`kube ${name}: delete ${describeRef(ref)}`);
      return inner.remove(ref);
    },
    createToken(ns, sa, exp) {
      ui.verbose(`kube ${name}: TokenRequest for serviceaccount ${ns}/${sa} (${exp}s)`);
      return inner.createToken(ns, sa, exp);
    },
  };
}

/** KubeOps for a dry run: reads find nothing, writes go into the plan. */
function planKubeOps(target: KubeTarget, plan: Plan): KubeOps {
  return {
    get: async () => undefined,
    list: async () => [],
    serves: async () => true,
    async apply(obj) {
      plan.block(`apply to ${target.name} (server-side, field manager kstellar)`, stringify(redact(obj)));
      return obj;
    },
    async patch(ref, patch, type) {
      plan.line(`${type}-patch ${describeRef(ref)} in ${target.name}: ${JSON.stringify(patch)}`);
      return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name } } as KObject;
    },
    async updateSubresource(obj, sub) {
      plan.line(`update ${obj.kind} ${obj.metadata?.name}/${sub} in ${target.name}`);
      return obj;
    },
    async remove(ref) {
      plan.line(`delete ${describeRef(ref)} from ${target.name}`);
      return true;
    },
    async createToken(ns, sa, exp) {
      plan.line(`request a ${exp}s token for serviceaccount ${ns}/${sa} in ${target.name}`);
      return '<token>';
    },
  };
}

export interface Step {
  title: string;
  timeoutMs: number;
  /** Returns why nothing needs doing, or undefined when the step must act. */
  observe?(): Promise<string | undefined>;
  act(deadline: number): Promise<void>;
  /** True once the result is in place; otherwise what is still missing (shown on the spinner). */
  verify?(): Promise<true | string>;
  /** For the plan: what verify waits for. */
  waitFor?: string;
  /** Called on timeout for a specific diagnosis (image pulls, CPU, failed Jobs). */
  diagnose?(): Promise<KindError | undefined>;
  /** Removes what `act` created; registered before `act` runs, must tolerate partial results. */
  undo?(): Promise<void>;
}

export interface SessionOptions {
  retain: boolean;
  pollMs: number;
  /** Overrides every step's timeout (InitOptions.timeoutMs and friends). */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Math.round(ms / 1000)}s`;
  return `${ms}ms`;
}

/** One CLI command's worth of steps. */
export class Session {
  changed = false;
  private readonly undos: { title: string; fn: () => Promise<void> }[] = [];

  constructor(
    readonly x: Exec,
    private readonly ui: Ui,
    private readonly o: SessionOptions,
  ) {}

  async step(s: Step): Promise<'skipped' | 'done'> {
    const timeoutMs = this.o.timeoutMs ?? s.timeoutMs;
    if (this.x.dryRun) {
      this.x.plan.begin(s.title);
      await s.act(Number.POSITIVE_INFINITY);
      if (s.waitFor) this.x.plan.line(`wait: ${s.waitFor} (timeout ${formatDuration(timeoutMs)})`);
      return 'done';
    }
    const h = this.ui.step(s.title);
    try {
      const already = s.observe ? await s.observe() : undefined;
      if (already !== undefined) {
        h.skip(`${s.title}: ${already}`);
        return 'skipped';
      }
      const deadline = Date.now() + timeoutMs;
      if (s.undo) this.undos.push({ title: s.title, fn: s.undo });
      await s.act(deadline);
      if (s.verify) await this.poll(s, deadline, timeoutMs, (t) => h.update(t));
      this.changed = true;
      h.succeed(s.title);
      return 'done';
    } catch (e) {
      h.fail(`${s.title}: ${firstLine(e)}`);
      throw asCliError(e, s.title);
    }
  }

  private async poll(
    s: Step,
    deadline: number,
    timeoutMs: number,
    update: (t: string) => void,
  ): Promise<void> {
    for (;;) {
      let r: true | string;
      try {
        r = await s.verify!();
      } catch (e) {
        if (e instanceof CliError) throw e;
        r = isNetworkError(e) ? `API not reachable yet (${(e as Error).message})` : (e as Error).message;
      }
      if (r === true) return;
      if (Date.now() >= deadline) {
        const diag = s.diagnose ? await s.diagnose().catch(() => undefined) : undefined;
        if (diag) throw diag;
        throw new KindError('E-TIMEOUT', `${s.title}: not ready after ${formatDuration(timeoutMs)}: ${r}`);
      }
      update(r);
      await sleep(Math.max(1, Math.min(this.o.pollMs, deadline - Date.now())));
    }
  }

  /** Undoes what this session created, newest first (a no-op with --retain). */
  async cleanup(): Promise<string> {
    if (!this.undos.length) return '';
    if (this.o.retain) {
      const what = this.undos.map((u) => u.title).join(', ');
      this.undos.length = 0;
      return `left in place because of --retain: ${what}; \`kstellar down\` removes everything`;
    }
    const failed: string[] = [];
    for (const u of this.undos.reverse()) {
      const h = this.ui.step(`Cleaning up: ${u.title}`);
      try {
        await u.fn();
        h.succeed(`Cleaned up: ${u.title}`);
      } catch (e) {
        failed.push(u.title);
        h.fail(`Could not clean up ${u.title}: ${firstLine(e)}`);
      }
    }
    this.undos.length = 0;
    return failed.length
      ? `kstellar could not remove everything this run created (${failed.join(', ')}); \`kstellar down\` retries`
      : 'kstellar removed what this run had created (pass --retain to keep it for debugging)';
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function asCliError(e: unknown, title: string): CliError {
  if (e instanceof CliError) return e;
  return new KindError('E-COMMAND', `${title}: ${(e as Error)?.message ?? e}`);
}

/** The same error with one more line of advice. */
export function withHint(e: unknown, note: string): unknown {
  if (!note || !(e instanceof CliError)) return e;
  const hint = [e.hint, note].filter(Boolean).join('\n');
  if (e instanceof KindError) {
    const k = new KindError(e.code, e.message.replace(/^\[[A-Z-]+\] /, ''), { exitCode: e.exitCode, hint });
    return k;
  }
  return new CliError(e.message, e.exitCode, hint);
}
