import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:https';
import { parse as parseYaml } from 'yaml';
import { createServer } from 'node:net';
import { LeanConnection } from './lean-client.js';

/**
 * Space server benchmarks (issue: space server part 1): durable creates/s at 1, 8 and 64
 * concurrent clients, LIST latency of 10,000 ConfigMaps, watch delivery latency with 100 watchers,
 * and etcd's puts/s at the same concurrencies when an `etcd` binary is on the PATH.
 * The space runs as a separate process (`kstellar space serve`), as it would for real clients.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Conn {
  agent: Agent;
  host: string;
  port: number;
  token: string;
  ca: string;
}

function call(
  c: Conn,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: c.host,
        port: c.port,
        method,
        path,
        agent: c.agent,
        ca: c.ca,
        headers: {
          Authorization: `Bearer ${c.token}`,
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...headers,
          ...(data ? { 'Content-Length': Buffer.byteLength(data) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function startSpace(): Promise<{
  child: ChildProcess;
  conn: (maxSockets: number) => Conn;
  dir: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'kstellar-bench-'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'kstellar.js'), 'space', 'serve', '--data-dir', dir, '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`space exited with ${code}`)));
  });
  const kc = parseYaml(readFileSync(join(dir, 'kubeconfig'), 'utf8'));
  const u = new URL(url);
  const ca = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
  const token = kc.users[0].user.token;
  return {
    child,
    dir,
    conn: (maxSockets) => ({
      agent: new Agent({ keepAlive: true, maxSockets }),
      host: u.hostname,
      port: Number(u.port),
      token,
      ca,
    }),
  };
}

async function ensureNs(c: Conn, name: string): Promise<void> {
  const r = await call(c, 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  if (r.code !== 201 && r.code !== 409) throw new Error(`namespace create: ${r.code} ${r.body}`);
}

function cm(name: string, bytes = 256) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench' } },
    data: { payload: 'x'.repeat(bytes) },
  };
}

/** Run `clients` loops issuing `op` for `ms` milliseconds; returns operations per second. */
async function throughput(
  clients: number,
  ms: number,
  op: (client: number, i: number) => Promise<void>,
): Promise<number> {
  let done = 0;
  const end = Date.now() + ms;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; Date.now() < end; i++) {
        await op(client, i);
        done++;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function which(bin: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) {
    try {
      readFileSync(join(d, bin), { flag: 'r' });
      return join(d, bin);
    } catch {
      /* not here */
    }
  }
  return undefined;
}

async function etcdPuts(concurrencies: number[], ms: number): Promise<Record<number, number> | undefined> {
  const bin = which('etcd');
  if (!bin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'kstellar-bench-etcd-'));
  const [cport, pport] = [await freePort(), await freePort()];
  const child = spawn(
    bin,
    [
      '--data-dir',
      dir,
      '--listen-client-urls',
      `http://127.0.0.1:${cport}`,
      '--advertise-client-urls',
      `http://127.0.0.1:${cport}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${pport}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${pport}`,
      '--initial-cluster',
      `default=http://127.0.0.1:${pport}`,
      '--log-level',
      'error',
    ],
    { stdio: 'ignore' },
  );
  try {
    const { Etcd3 } = await import('etcd3');
    const client = new Etcd3({ hosts: `http://127.0.0.1:${cport}` });
    for (let i = 0; i < 50; i++) {
      try {
        await client.put('warmup').value('1');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const out: Record<number, number> = {};
    const value = JSON.stringify(cm('x'));
    for (const c of concurrencies)
      out[c] = await throughput(c, ms, (client_, i) =>
        client
          .put(`/registry/configmaps/bench/c${c}-${client_}-${i}`)
          .value(value)
          .then(() => undefined),
      );
    client.close();
    return out;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSpace(): Promise<Record<string, unknown>> {
  const { child, conn, dir } = await startSpace();
  const results: Record<string, unknown> = {};
  try {
    const base = conn(64);
    await ensureNs(base, 'bench');
    const durMs = 4000;
    const concurrencies = [1, 8, 64];
    const creates: Record<number, number> = {};
    for (const c of concurrencies) {
      // One lean keep-alive TLS connection per client (see lean-client.ts).
      const conns = await Promise.all(Array.from({ length: c }, () => LeanConnection.open(base.host, base.port, base.ca, base.token)));
      creates[c] = await throughput(c, durMs, async (client, i) => {
        const r = await conns[client].request('POST', '/api/v1/namespaces/bench/configmaps', JSON.stringify(cm(`c${c}-${client}-${i}`)));
        if (r.code !== 201) throw new Error(`create: ${r.code} ${r.body}`);
      });
      for (const x of conns) x.close();
    }
    results.createsPerSec = creates;

    // LIST of 10,000 ConfigMaps in one namespace.
    await ensureNs(base, 'list');
    let n = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (n < 10_000) {
          const i = n++;
          const r = await call(
            base,
            'POST',
            '/api/v1/namespaces/list/configmaps',
            cm(`cm-${String(i).padStart(5, '0')}`),
          );
          if (r.code !== 201) throw new Error(`create: ${r.code}`);
        }
      }),
    );
    const listMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const r = await call(base, 'GET', '/api/v1/namespaces/list/configmaps');
      listMs.push(performance.now() - t);
      // The namespace also holds the kube-root-ca.crt ConfigMap the server publishes.
      if (JSON.parse(r.body).items.length !== 10_001) throw new Error('list returned the wrong count');
    }
    const tableMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await call(base, 'GET', '/api/v1/namespaces/list/configmaps?limit=500', undefined, {
        Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      });
      tableMs.push(performance.now() - t);
    }
    // The same LIST through curl, a native client (as kubectl is), when it is installed: the
    // Node client above spends much of the time in its own TLS and buffering.
    let curlMs: number[] | undefined;
    const curl = which('curl');
    if (curl) {
      const { execFileSync } = await import('node:child_process');
      curlMs = [];
      for (let i = 0; i < 15; i++) {
        const out = execFileSync(curl, [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{time_total}',
          '--cacert',
          join(dir, 'ca.crt'),
          '-H',
          `Authorization: Bearer ${base.token}`,
          `https://${base.host}:${base.port}/api/v1/namespaces/list/configmaps`,
        ]);
        curlMs.push(Number(out.toString()) * 1000);
      }
    }
    results.list10k = {
      nodeClientMedianMs: percentile(listMs, 50),
      nodeClientP99Ms: percentile(listMs, 99),
      ...(curlMs ? { curlMedianMs: percentile(curlMs, 50), curlP99Ms: percentile(curlMs, 99) } : {}),
      tablePage500MedianMs: percentile(tableMs, 50),
    };

    // Watch delivery: 100 watchers on one namespace; latency from just before the create is sent.
    await ensureNs(base, 'watch');
    const watchConn = conn(200);
    const sentAt = new Map<string, number>();
    const lat: number[] = [];
    const rv = JSON.parse((await call(base, 'GET', '/api/v1/namespaces/watch/configmaps')).body).metadata
      .resourceVersion;
    const watchers = await Promise.all(
      Array.from(
        { length: 100 },
        () =>
          new Promise<import('node:http').ClientRequest>((resolve) => {
            const req = request(
              {
                host: watchConn.host,
                port: watchConn.port,
                path: `/api/v1/namespaces/watch/configmaps?watch=true&resourceVersion=${rv}`,
                agent: watchConn.agent,
                ca: watchConn.ca,
                headers: { Authorization: `Bearer ${watchConn.token}` },
              },
              (res) => {
                let buf = '';
                res.on('data', (d) => {
                  buf += d;
                  let i;
                  while ((i = buf.indexOf('\n')) >= 0) {
                    const line = buf.slice(0, i);
                    buf = buf.slice(i + 1);
                    const ev = JSON.parse(line);
                    const t0 = sentAt.get(ev.object?.metadata?.name);
                    if (ev.type === 'ADDED' && t0 !== undefined) lat.push(performance.now() - t0);
                  }
                });
                resolve(req);
              },
            );
            req.end();
          }),
      ),
    );
    for (let i = 0; i < 200; i++) {
      const name = `w-${i}`;
      sentAt.set(name, performance.now());
      await call(base, 'POST', '/api/v1/namespaces/watch/configmaps', cm(name));
      await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 5000;
    while (lat.length < 200 * 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const w of watchers) w.destroy();
    watchConn.agent.destroy();
    results.watch100 = {
      events: lat.length,
      expected: 20_000,
      p50Ms: percentile(lat, 50),
      p99Ms: percentile(lat, 99),
    };
    base.agent.destroy();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  const etcd = await etcdPuts([1, 8, 64], 4000);
  if (etcd) {
    results.etcdPutsPerSec = etcd;
    const creates = results.createsPerSec as Record<number, number>;
    results.ratioVsEtcd = Object.fromEntries(
      Object.entries(etcd).map(([c, v]) => [c, creates[Number(c)] / v]),
    );
  } else results.etcdPutsPerSec = 'etcd not on PATH (apt-get install etcd-server to compare)';
  return results;
}

/**
 * Space server part 2: server-side apply of 1,000 Deployments (applies/s, 8 concurrent clients)
 * and the wall time of `helm install` (helm 3 and 4) of the e2e test chart.
 */
export async function benchApplyHelm(): Promise<Record<string, unknown>> {
  const { child, conn, dir } = await startSpace();
  const results: Record<string, unknown> = {};
  try {
    const c = conn(8);
    await ensureNs(c, 'ssa');
    const dep = (i: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `d-${i}`, namespace: 'ssa', labels: { app: `d-${i}` } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: `d-${i}` } },
        template: {
          metadata: { labels: { app: `d-${i}` } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] },
        },
      },
    });
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 1000) {
          const i = next++;
          const r = await call(c, 'PATCH', `/apis/apps/v1/namespaces/ssa/deployments/d-${i}?fieldManager=bench&force=true`, dep(i), {
            'Content-Type': 'application/apply-patch+yaml',
          });
          if (r.code !== 201 && r.code !== 200) throw new Error(`apply: ${r.code} ${r.body}`);
        }
      }),
    );
    const createSec = (performance.now() - t0) / 1000;
    // Re-apply with one changed field: the update path of SSA.
    next = 0;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < 1000) {
          const i = next++;
          const body = dep(i);
          body.spec.replicas = 3;
          const r = await call(c, 'PATCH', `/apis/apps/v1/namespaces/ssa/deployments/d-${i}?fieldManager=bench`, body, { 'Content-Type': 'application/apply-patch+yaml' });
          if (r.code !== 200) throw new Error(`re-apply: ${r.code} ${r.body}`);
        }
      }),
    );
    const updateSec = (performance.now() - t1) / 1000;
    results.ssa1000Deployments = { createAppliesPerSec: 1000 / createSec, updateAppliesPerSec: 1000 / updateSec };
    c.agent.destroy();

    // helm install wall time of the e2e chart, with the npm-shipped helm binaries.
    const { ensureTools } = await import('../test/helpers/tools.js');
    const { execFileSync } = await import('node:child_process');
    const tools = ensureTools();
    const chart = join(ROOT, 'e2e', 'fixtures', 'chart');
    const helm: Record<string, number> = {};
    for (const [name, bin] of [
      ['helm3', tools.helm3],
      ['helm4', tools.helm4],
    ] as const) {
      const home = mkdtempSync(join(tmpdir(), 'kstellar-bench-helm-'));
      const env = { ...process.env, HELM_CACHE_HOME: join(home, 'c'), HELM_CONFIG_HOME: join(home, 'g'), HELM_DATA_HOME: join(home, 'd') };
      const t = performance.now();
      execFileSync(bin, ['install', `bench-${name}`, chart, '--kubeconfig', join(dir, 'kubeconfig'), '--namespace', `helm-${name}`, '--create-namespace'], { env, stdio: 'pipe' });
      helm[`${name}InstallMs`] = performance.now() - t;
      rmSync(home, { recursive: true, force: true });
    }
    results.helmInstall = helm;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
