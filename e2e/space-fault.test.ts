import { describe, it, expect, afterAll } from 'vitest';
import { Agent } from 'node:https';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSpaceProcess, tempDir, removeDir, type SpaceProcess } from '../test/helpers/space-process.js';
import { readKubeconfig, request, type SpaceAccess } from './helpers/https.js';

/**
 * Crash safety: a burst of concurrent writes, `kill -9` in the middle of it, restart on the same
 * data dir. Every write the server acknowledged must have survived, and resourceVersions must never
 * go backwards. Done twice in a row on the same data dir.
 */

const WORKERS = 8;
const NS = 'fault';

/** What the server acknowledged for one ConfigMap. */
interface Acked {
  /** Highest counter acknowledged (creates start at 0). */
  counter: number;
  /** resourceVersion returned with that acknowledgement. */
  rv: number;
  /** A delete was acknowledged: the object must be gone. */
  deleted?: boolean;
  /** A delete was sent but not answered: the object may or may not exist. */
  deleteInFlight?: boolean;
}

interface BurstResult {
  acked: Map<string, Acked>;
  ackedRvs: number[];
  unexpected: string[];
  writes: number;
}

let dataDir: string | undefined;
let current: SpaceProcess | undefined;
const scratch = tempDir('kstellar-fault-');

afterAll(async () => {
  await current?.stop();
  if (dataDir) removeDir(dataDir);
  removeDir(scratch);
});

function cmBody(name: string, counter: number, worker: number, rv?: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NS, ...(rv ? { resourceVersion: rv } : {}) },
    data: { counter: String(counter), worker: String(worker), pad: 'x'.repeat(200) },
  };
}

/**
 * Runs `WORKERS` clients that create, update (PUT with resourceVersion, or merge PATCH) and
 * occasionally delete their own ConfigMaps as fast as they can, until `kill` resolves; then
 * SIGKILLs the space while they are still writing.
 */
async function burstThenKill(
  space: SpaceProcess,
  access: SpaceAccess,
  round: number,
  acked: Map<string, Acked>,
  ms: number,
): Promise<BurstResult> {
  const base = `${space.url}/api/v1/namespaces/${NS}/configmaps`;
  const ackedRvs: number[] = [];
  const unexpected: string[] = [];
  let killed = false;
  let writes = 0;

  const worker = async (w: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const mine: string[] = [];
    let seq = 0;
    try {
      while (!killed) {
        const roll = Math.random();
        try {
          if (mine.length === 0 || roll < 0.3) {
            const name = `r${round}-w${w}-${seq++}`;
            const res = await request(base, {
              method: 'POST',
              token: access.token,
              ca: access.caPem,
              agent,
              body: cmBody(name, 0, w),
            });
            if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.body}`);
            const rv = Number(res.json.metadata.resourceVersion);
            acked.set(name, { counter: 0, rv });
            ackedRvs.push(rv);
            mine.push(name);
          } else if (roll < 0.35 && mine.length > 1) {
            const name = mine.splice(Math.floor(Math.random() * mine.length), 1)[0];
            const entry = acked.get(name)!;
            entry.deleteInFlight = true;
            const res = await request(`${base}/${name}`, {
              method: 'DELETE',
              token: access.token,
              ca: access.caPem,
              agent,
            });
            if (res.status !== 200) throw new Error(`delete ${name}: ${res.status} ${res.body}`);
            entry.deleted = true;
            entry.deleteInFlight = false;
          } else {
            const name = mine[Math.floor(Math.random() * mine.length)];
            const prev = acked.get(name)!;
            const next = prev.counter + 1;
            const res =
              roll < 0.65
                ? await request(`${base}/${name}`, {
                    method: 'PUT',
                    token: access.token,
                    ca: access.caPem,
                    agent,
                    body: cmBody(name, next, w, String(prev.rv)),
                  })
                : await request(`${base}/${name}`, {
                    method: 'PATCH',
                    token: access.token,
                    ca: access.caPem,
                    agent,
                    contentType: 'application/merge-patch+json',
                    body: { data: { counter: String(next) } },
                  });
            if (res.status !== 200) throw new Error(`update ${name}: ${res.status} ${res.body}`);
            const rv = Number(res.json.metadata.resourceVersion);
            expect(res.json.data.counter).toBe(String(next));
            acked.set(name, { counter: next, rv });
            ackedRvs.push(rv);
          }
          writes++;
        } catch (e) {
          // Once the process is gone, failures are expected; before that, none are.
          if (!killed) unexpected.push(`worker ${w}: ${(e as Error).message}`);
          return;
        }
      }
    } finally {
      agent.destroy();
    }
  };

  const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, ms));
  killed = true;
  await space.kill();
  await Promise.all(workers);
  return { acked, ackedRvs, unexpected, writes };
}

/** Reads every ConfigMap of the namespace, page by page, and returns them with the list resourceVersion. */
async function listAll(access: SpaceAccess, url: string): Promise<{ items: any[]; rv: number }> {
  const items: any[] = [];
  let cont = '';
  let firstRv = 0;
  do {
    const res = await request(
      `${url}/api/v1/namespaces/${NS}/configmaps?limit=250${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
      {
        token: access.token,
        ca: access.caPem,
      },
    );
    expect(res.status, res.body).toBe(200);
    items.push(...res.json.items);
    firstRv ||= Number(res.json.metadata.resourceVersion);
    cont = res.json.metadata.continue ?? '';
  } while (cont);
  return { items, rv: firstRv };
}

describe('kill -9 in the middle of a write burst', () => {
  it('keeps every acknowledged write and never reuses a resourceVersion, across two crashes', async () => {
    current = await startSpaceProcess({ name: 'fault' });
    dataDir = current.dataDir;
    const original = readKubeconfig(current.kubeconfig);
    const ns = await request(`${current.url}/api/v1/namespaces`, {
      method: 'POST',
      token: original.token,
      ca: original.caPem,
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    });
    expect(ns.status).toBe(201);

    const acked = new Map<string, Acked>();
    let maxAckedRv = 0;
    let totalWrites = 0;

    for (const round of [1, 2]) {
      const access = { ...original, url: current.url };
      const burst = await burstThenKill(current, access, round, acked, 1500);
      expect(burst.unexpected).toEqual([]);
      // The burst really was a burst, and resourceVersions were distinct per write.
      expect(burst.writes).toBeGreaterThan(50);
      expect(new Set(burst.ackedRvs).size).toBe(burst.ackedRvs.length);
      maxAckedRv = Math.max(maxAckedRv, ...burst.ackedRvs);
      totalWrites += burst.writes;

      // The files the crash left behind are a consistent SQLite database.
      expect(await integrityCheck(dataDir, `crash-${round}`)).toBe('ok');

      current = await startSpaceProcess({ dataDir, name: 'fault' });
      // The kubeconfig keeps its token and CA; only the (random) port may change.
      const after = readKubeconfig(current.kubeconfig);
      expect(after.token).toBe(original.token);
      expect(after.caPem).toBe(original.caPem);
      const access2 = { ...original, url: current.url };

      const { items, rv: listRv } = await listAll(access2, current.url);
      expect(listRv).toBeGreaterThanOrEqual(maxAckedRv);
      const byName = new Map(items.map((i) => [i.metadata.name, i]));
      const missing: string[] = [];
      const stale: string[] = [];
      for (const [name, a] of acked) {
        const obj = byName.get(name);
        if (a.deleted) {
          if (obj) stale.push(`${name}: deleted but present`);
          continue;
        }
        if (!obj) {
          if (!a.deleteInFlight) missing.push(name);
          continue;
        }
        const counter = Number(obj.data.counter);
        const rv = Number(obj.metadata.resourceVersion);
        if (counter < a.counter) stale.push(`${name}: counter ${counter} < acked ${a.counter}`);
        if (rv < a.rv) stale.push(`${name}: rv ${rv} < acked ${a.rv}`);
        // Same counter means the very write that was acknowledged.
        if (counter === a.counter && rv !== a.rv)
          stale.push(`${name}: counter ${counter} with rv ${rv}, acked rv ${a.rv}`);
      }
      expect(missing, 'acknowledged creates lost').toEqual([]);
      expect(stale, 'acknowledged writes rolled back').toEqual([]);

      // A new write continues after every acknowledged revision.
      const fresh = await request(`${current.url}/api/v1/namespaces/${NS}/configmaps`, {
        method: 'POST',
        token: original.token,
        ca: original.caPem,
        body: cmBody(`after-crash-${round}`, 0, -1),
      });
      expect(fresh.status, fresh.body).toBe(201);
      const freshRv = Number(fresh.json.metadata.resourceVersion);
      expect(freshRv).toBeGreaterThan(maxAckedRv);
      expect(freshRv).toBeGreaterThan(listRv - 1);
      maxAckedRv = Math.max(maxAckedRv, freshRv);

      // A full cluster-wide list works too (no corrupt rows anywhere).
      const all = await request(`${current.url}/api/v1/configmaps`, {
        token: original.token,
        ca: original.caPem,
      });
      expect(all.status).toBe(200);
      expect(all.json.items.filter((i: any) => i.metadata.namespace === NS).length).toBe(items.length + 1);
    }

    expect(totalWrites).toBeGreaterThan(100);
    expect(await current.stop()).toBe(0);
    current = undefined;
    expect(await integrityCheck(dataDir, 'final')).toBe('ok');
  });
});

/**
 * Copies the database files (main file and WAL; SQLite rebuilds the shared-memory index) and runs
 * SQLite's own consistency check on the copy, so the space under test is never touched.
 */
async function integrityCheck(dir: string, label: string): Promise<string> {
  const copyDir = join(scratch, label);
  mkdirSync(copyDir, { recursive: true });
  for (const f of ['space.db', 'space.db-wal'])
    if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(copyDir, f));
  const db = new Database(join(copyDir, 'space.db'));
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
