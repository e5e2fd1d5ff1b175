import { describe, it, expect, afterAll } from 'vitest';
import { execa } from 'execa';
import { createServer, type Server } from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  startSpaceProcess,
  tempDir,
  removeDir,
  KSTELLAR_BIN,
  type SpaceProcess,
} from '../test/helpers/space-process.js';
import { ROOT } from '../test/helpers/tools.js';
import { Kubectl } from './helpers/kubectl.js';

/** The `kstellar` command line: help, version, usage errors and exit codes, signals and restarts. */

const dirs: string[] = [];
const running: SpaceProcess[] = [];

function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

afterAll(async () => {
  for (const s of running) await s.stop();
  for (const d of dirs) removeDir(d);
});

/** Runs the built CLI to completion (for commands that exit by themselves). */
function kstellar(args: string[], timeoutMs = 30_000) {
  return execa(process.execPath, [KSTELLAR_BIN, ...args], { reject: false, timeout: timeoutMs, all: false });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('kstellar help and version', () => {
  it('--help lists the space command', async () => {
    const r = await kstellar(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kstellar/m);
    expect(r.stdout).toMatch(/^\s+space\s+\S/m);
  });

  it('space serve --help documents the options', async () => {
    const r = await kstellar(['space', 'serve', '--help']);
    expect(r.exitCode).toBe(0);
    for (const opt of ['--data-dir', '--port', '--name', '--kubeconfig']) expect(r.stdout).toContain(opt);
  });

  it('--version prints the package.json version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const r = await kstellar(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

describe('kstellar space serve: usage errors', () => {
  it('without --data-dir exits 2 and names the missing option', async () => {
    const r = await kstellar(['space', 'serve']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--data-dir');
    expect(r.stderr).toMatch(/required|missing/i);
    expect(r.stdout).not.toContain('ready');
  });

  it('--port abc exits 2 with a message about the port', async () => {
    const r = await kstellar(['space', 'serve', '--data-dir', dir('kstellar-cli-'), '--port', 'abc']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--port');
    expect(r.stderr).toContain('abc');
    expect(r.stdout).not.toContain('ready');
  });

  it('--port 70000 exits 2', async () => {
    const r = await kstellar(['space', 'serve', '--data-dir', dir('kstellar-cli-'), '--port', '70000']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--port');
  });

  it('a port already in use exits 3 and names the port', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await kstellar([
        'space',
        'serve',
        '--data-dir',
        dir('kstellar-cli-'),
        '--port',
        String(port),
        '--log-level',
        'warn',
      ]);
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toContain(String(port));
      expect(r.stderr).toMatch(/in use/);
      expect(r.stdout).not.toContain('ready');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});

describe('kstellar space serve: lifecycle', () => {
  it('serves on 127.0.0.1, and SIGTERM stops it with exit 0 within 5 s', async () => {
    const s = await startSpaceProcess({ dataDir: dir('kstellar-cli-') });
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const t0 = Date.now();
    const code = await s.stop();
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('SIGINT also stops it cleanly', async () => {
    const s = await startSpaceProcess({ dataDir: dir('kstellar-cli-') });
    const exited = new Promise<number | null>((r) => s.child.once('exit', (c) => r(c)));
    const t0 = Date.now();
    s.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('--name and --kubeconfig set the context name and the file written (mode 0600)', async () => {
    const d = dir('kstellar-cli-');
    const kcPath = join(d, 'elsewhere', 'my.kubeconfig');
    const child = execa(
      process.execPath,
      [
        KSTELLAR_BIN,
        'space',
        'serve',
        '--data-dir',
        join(d, 'data'),
        '--name',
        'wds1',
        '--kubeconfig',
        kcPath,
        '--log-level',
        'warn',
      ],
      {
        reject: false,
      },
    );
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('not ready in 30 s')), 30_000);
        child.stdout!.on('data', (b) => {
          out += b;
          if (/ready https:\/\/\S+\n/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(statSync(kcPath).mode & 0o777).toBe(0o600);
      const kc = parseYaml(readFileSync(kcPath, 'utf8'));
      expect(kc['current-context']).toBe('wds1');
      expect(kc.contexts.map((c: any) => c.name)).toEqual(['wds1']);
      expect(kc.clusters[0].cluster.server).toBe(out.trim().replace(/^ready /, ''));
      const k = new Kubectl(kcPath, d);
      expect(await k.ok(['config', 'current-context'])).toBe('wds1\n');
      expect((await k.run(['get', 'ns', 'default'])).exitCode).toBe(0);
    } finally {
      child.kill('SIGTERM');
      const r = await child;
      expect(r.exitCode).toBe(0);
    }
  });

  it('--name rejects an invalid name with exit 2', async () => {
    const r = await kstellar(['space', 'serve', '--data-dir', dir('kstellar-cli-'), '--name', 'Not_Valid']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Not_Valid');
  });

  it('a restart on the same data dir and port keeps objects, token, CA and the kubeconfig', async () => {
    const d = dir('kstellar-cli-');
    const port = await freePort();
    const first = await startSpaceProcess({ dataDir: d, port, name: 'keep' });
    running.push(first);
    const kubeconfig1 = readFileSync(first.kubeconfig, 'utf8');
    const ca1 = readFileSync(join(d, 'ca.crt'), 'utf8');
    const k = new Kubectl(first.kubeconfig, dir('kstellar-cli-kubectl-'));
    await k.ok(['apply', '-f', '-'], {
      input:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: survivor\n  namespace: default\ndata:\n  answer: "42"\n',
    });
    const before = await k.json(['get', 'cm', 'survivor']);
    expect(await first.stop()).toBe(0);
    running.splice(running.indexOf(first), 1);

    const second = await startSpaceProcess({ dataDir: d, port, name: 'keep' });
    running.push(second);
    expect(second.url).toBe(first.url);
    expect(readFileSync(second.kubeconfig, 'utf8')).toBe(kubeconfig1);
    expect(readFileSync(join(d, 'ca.crt'), 'utf8')).toBe(ca1);

    // The kubectl that talked to the first process keeps working unchanged.
    const after = await k.json(['get', 'cm', 'survivor']);
    expect(after.data).toEqual({ answer: '42' });
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata.creationTimestamp).toBe(before.metadata.creationTimestamp);

    // And the next write continues the revision sequence.
    await k.ok(['label', 'cm', 'survivor', 'restarted=yes']);
    const relabelled = await k.json(['get', 'cm', 'survivor']);
    expect(Number(relabelled.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    expect(await second.stop()).toBe(0);
    running.splice(running.indexOf(second), 1);
  });
});
