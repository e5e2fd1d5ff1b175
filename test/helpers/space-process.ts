import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './tools.js';

/** A `kstellar space serve` child process, for end-to-end and fault tests. */
export interface SpaceProcess {
  dataDir: string;
  kubeconfig: string;
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export const KSTELLAR_BIN = join(ROOT, 'bin', 'kstellar.js');

export function tempDir(prefix = 'kstellar-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startSpaceProcess(
  opts: { dataDir?: string; port?: number; name?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<SpaceProcess> {
  const dataDir = opts.dataDir ?? tempDir();
  const kubeconfig = join(dataDir, 'kubeconfig');
  const args = [
    KSTELLAR_BIN,
    'space',
    'serve',
    '--data-dir',
    dataDir,
    '--port',
    String(opts.port ?? 0),
    '--log-level',
    'warn',
  ];
  if (opts.name) args.push('--name', opts.name);
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`space did not become ready in 30 s; stderr:\n${err}`)),
      30_000,
    );
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`space exited with ${code} before ready; stderr:\n${err}`));
    });
  });
  return {
    dataDir,
    kubeconfig,
    url,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
