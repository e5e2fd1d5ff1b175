import { execa } from 'execa';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { KubectlResult } from './kubectl.js';

/**
 * Runs a real helm binary (3 or 4) against one space. Cache, config and data homes live under the
 * scratch dir, so repositories, plugins or registry logins of the machine never leak in, and helm 3
 * and helm 4 never share state.
 */
export class Helm {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly bin: string,
    readonly kubeconfig: string,
    readonly scratchDir: string,
  ) {
    const home = join(scratchDir, 'home');
    mkdirSync(home, { recursive: true });
    this.env = {
      HOME: home,
      PATH: process.env.PATH,
      HELM_CACHE_HOME: join(scratchDir, 'cache'),
      HELM_CONFIG_HOME: join(scratchDir, 'config'),
      HELM_DATA_HOME: join(scratchDir, 'data'),
    };
  }

  async run(args: string[], timeoutMs = 60_000): Promise<KubectlResult> {
    const r = await execa(this.bin, [...args, '--kubeconfig', this.kubeconfig], {
      env: this.env,
      extendEnv: false,
      reject: false,
      timeout: timeoutMs,
      stripFinalNewline: false,
    });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** Runs helm and throws (with both streams in the message) unless it exits 0. */
  async ok(args: string[]): Promise<string> {
    const r = await this.run(args);
    if (r.exitCode !== 0)
      throw new Error(
        `helm ${args.join(' ')} exited ${r.exitCode}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`,
      );
    return r.stdout;
  }

  /** `helm ... -o json`, parsed. */
  async json<T = any>(args: string[]): Promise<T> {
    return JSON.parse(await this.ok([...args, '-o', 'json'])) as T;
  }
}
