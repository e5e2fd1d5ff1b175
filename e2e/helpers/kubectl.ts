import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { kubectlPath } from '../../test/helpers/tools.js';

/** Result of one kubectl run: exit code and both streams, never thrown on failure. */
export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Text piped to stdin (e.g. YAML for `apply -f -`). */
  input?: string;
  /** Kill kubectl after this many ms (default 60 s). */
  timeoutMs?: number;
}

/**
 * Runs the real kubectl against one space. Each instance has its own discovery/HTTP cache dir and
 * HOME, so cached discovery from one test file (or an earlier space on a reused port) never leaks.
 */
export class Kubectl {
  private readonly env: NodeJS.ProcessEnv;

  /** `bin` defaults to `kubectlPath()`; pass `ensureTools().kubectl` to pin kubectl 1.34. */
  constructor(
    readonly kubeconfig: string,
    readonly scratchDir: string,
    readonly bin: string = kubectlPath(),
  ) {
    const home = join(scratchDir, 'home');
    mkdirSync(home, { recursive: true });
    this.env = {
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(scratchDir, 'kube-cache'),
      HOME: home,
      PATH: process.env.PATH,
    };
  }

  private argv(args: string[]): string[] {
    return ['--cache-dir', join(this.scratchDir, 'kube-cache'), ...args];
  }

  async run(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
    const r = await execa(this.bin, this.argv(args), {
      env: this.env,
      extendEnv: false,
      input: opts.input,
      reject: false,
      timeout: opts.timeoutMs ?? 60_000,
      stripFinalNewline: false,
    });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** Runs kubectl and throws (with both streams in the message) unless it exits 0. */
  async ok(args: string[], opts: KubectlOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.exitCode !== 0)
      throw new Error(
        `kubectl ${args.join(' ')} exited ${r.exitCode}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
      );
    return r.stdout;
  }

  /** `kubectl get ... -o json`, parsed. */
  async json<T = any>(args: string[]): Promise<T> {
    return JSON.parse(await this.ok([...args, '-o', 'json'])) as T;
  }

  /** `kubectl apply -f -` of the given YAML. */
  apply(yaml: string, extra: string[] = []): Promise<KubectlResult> {
    return this.run(['apply', '-f', '-', ...extra], { input: yaml });
  }

  /** Starts a long-running kubectl (e.g. `get -w`) without waiting for it. */
  spawn(args: string[]): ResultPromise {
    return execa(this.bin, this.argv(args), { env: this.env, extendEnv: false, reject: false, buffer: true });
  }
}

/** Polls `check` until it returns a truthy value, or fails after `ms`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 10_000,
  what = 'condition',
): Promise<T> {
  // Real clusters pull images and schedule pods: KSTELLAR_E2E_TIMEOUT_SCALE stretches every wait.
  const end = Date.now() + ms * Number(process.env.KSTELLAR_E2E_TIMEOUT_SCALE ?? 1);
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not met within ${ms} ms${last ? `: ${(last as Error).message ?? last}` : ''}`);
}
