import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString } from '../../src/kube/index.js';
import { CUSTOM_RESOURCE_DEFINITION } from '../../src/api/gvr.js';
import { main } from '../../src/cli/main.js';

/** `kstellar controller run` in-process: argument errors, and a run stopped by SIGTERM. */

let dir: string;
let wdsSpace: Space;
let itsSpace: Space;
let wdsFile: string;
let itsFile: string;

function captureStderr() {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: any) => {
    chunks.push(String(c));
    return true;
  });
  return { text: () => chunks.join(''), restore: () => spy.mockRestore() };
}

const run = (...args: string[]) => main(['node', 'kstellar', 'controller', 'run', ...args]);

beforeAll(async () => {
  dir = tempDir();
  const storage = { retainRevisions: 1, retainMs: 0, compactIntervalMs: 0 };
  [wdsSpace, itsSpace] = await Promise.all([
    Space.start({ dataDir: join(dir, 'wds'), name: 'wds1', storage }),
    Space.start({ dataDir: join(dir, 'its'), name: 'its1', storage }),
  ]);
  wdsFile = join(dir, 'wds.kubeconfig');
  itsFile = join(dir, 'its.kubeconfig');
  writeFileSync(wdsFile, wdsSpace.kubeconfig());
  writeFileSync(itsFile, itsSpace.kubeconfig());
});

afterAll(async () => {
  await Promise.all([wdsSpace?.close(), itsSpace?.close()]);
  removeDir(dir);
});

describe('kstellar controller run', () => {
  it('exits 3 with a hint when a kubeconfig is missing', async () => {
    const err = captureStderr();
    try {
      const code = await run(
        '--wds-kubeconfig',
        join(dir, 'nope'),
        '--its-kubeconfig',
        itsFile,
        '--wds-name',
        'wds1',
      );
      expect(code).toBe(3);
      expect(err.text()).toContain('does not exist');
      expect(err.text()).toContain('kstellar space serve');
    } finally {
      err.restore();
    }
  });

  it('exits 3 for an unknown context', async () => {
    const err = captureStderr();
    try {
      const code = await run(
        '--wds-kubeconfig',
        wdsFile,
        '--wds-context',
        'other',
        '--its-kubeconfig',
        itsFile,
        '--wds-name',
        'wds1',
      );
      expect(code).toBe(3);
      expect(err.text()).toContain('other');
    } finally {
      err.restore();
    }
  });

  it('exits 2 for an invalid --wds-name', async () => {
    const err = captureStderr();
    try {
      expect(
        await run('--wds-kubeconfig', wdsFile, '--its-kubeconfig', itsFile, '--wds-name', 'Bad_Name'),
      ).toBe(2);
    } finally {
      err.restore();
    }
  });

  it('installs the CRDs, runs, and exits 0 on SIGTERM', async () => {
    const err = captureStderr();
    try {
      const exited = run(
        '--wds-kubeconfig',
        wdsFile,
        '--its-kubeconfig',
        itsFile,
        '--wds-name',
        'wds1',
        '--log-level',
        'silent',
      );
      const its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
      const wds = DynamicClient.fromKubeConfig(kubeConfigFromString(wdsSpace.kubeconfig()));
      const end = Date.now() + 10_000;
      for (;;) {
        const names = [
          ...(await wds.list(CUSTOM_RESOURCE_DEFINITION)).items,
          ...(await its.list(CUSTOM_RESOURCE_DEFINITION)).items,
        ].map((c) => c.metadata?.name);
        if (
          names.includes('bindingpolicies.control.kubestellar.io') &&
          names.includes('manifestworks.work.open-cluster-management.io')
        )
          break;
        if (Date.now() > end) throw new Error('CRDs not installed');
        await new Promise((r) => setTimeout(r, 50));
      }
      wds.rest.close();
      its.rest.close();
      process.emit('SIGTERM');
      const code = await exited;
      expect({ code, stderr: err.text() }).toEqual({ code: 0, stderr: '' });
    } finally {
      err.restore();
    }
  });
});
