import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './sqlite.js';

/**
 * kill -9 in the middle of a stream of writes: every write whose promise resolved must be there
 * after reopening. The child runs this module's sources, transpiled on the fly (no build step
 * and no TS loader are available to a plain `node` child on Node 20).
 */

const here = dirname(fileURLToPath(import.meta.url));
const SOURCES = ['sqlite', 'schema', 'current', 'records', 'ring', 'watch', 'continue', 'types'];

const CHILD = `
import { openStore } from './sqlite.js';
const store = openStore({ path: process.argv[2], compactIntervalMs: 0 });
let next = 0;
async function writer() {
  for (;;) {
    const n = next++;
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'k' + n }, data: { n: String(n) } };
    const rev = await store.write((tx) => tx.create('/core/configmaps/ns/k' + n, obj));
    process.stdout.write(n + ' ' + rev + '\\n');
  }
}
for (let i = 0; i < 4; i++) writer();
`;

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'kstellar-crash-'));
  for (const name of SOURCES) {
    const src = readFileSync(join(here, `${name}.ts`), 'utf8');
    const out = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(join(work, `${name}.js`), out.outputText);
  }
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  writeFileSync(join(work, 'child.mjs'), CHILD);
  symlinkSync(resolve(here, '../../../node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('SqliteStore after kill -9', () => {
  it('keeps every acknowledged write', async () => {
    const db = join(work, 'data', 'db.sqlite');
    const child = spawn(process.execPath, [join(work, 'child.mjs'), db], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    const acked = new Map<number, number>();
    for await (const line of createInterface({ input: child.stdout })) {
      const [n, rev] = line.split(' ').map(Number);
      acked.set(n, rev);
      if (acked.size === 300) child.kill('SIGKILL');
    }
    await exited;
    expect(stderr).toBe('');
    expect(child.signalCode).toBe('SIGKILL');
    expect(acked.size).toBeGreaterThanOrEqual(300);

    const store = openStore({ path: db, compactIntervalMs: 0 });
    try {
      const maxAcked = Math.max(...acked.values());
      expect(store.currentRev()).toBeGreaterThanOrEqual(maxAcked);
      for (const [n, rev] of acked) {
        const got = store.get(`/core/configmaps/ns/k${n}`);
        expect(got?.rev).toBe(rev);
        expect(got?.object.data).toEqual({ n: String(n) });
      }
      // Revisions go on from where the dead process stopped.
      const next = await store.write((tx) =>
        tx.create('/core/configmaps/ns/after', { metadata: { name: 'after' } }),
      );
      expect(next).toBe(store.currentRev());
      expect(next).toBeGreaterThan(maxAcked);
    } finally {
      store.close();
    }
  }, 30_000);
});
