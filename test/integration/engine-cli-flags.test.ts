import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString } from '../../src/kube/index.js';
import { BINDING, CONFIG_MAP, MANAGED_CLUSTER, MANIFEST_WORK, NAMESPACE } from '../../src/api/gvr.js';
import type { Binding } from '../../src/api/control.js';
import type { ManifestWork } from '../../src/api/ocm.js';
import { main } from '../../src/cli/main.js';
import { createEngine, engineLeaseName, ENGINE_NAMESPACE } from '../../src/engine/engine.js';
import { createPolicy, eventually } from './helpers/engine-env.js';

const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };

/** `kstellar controller run` tuning flags: validation (exit 2) and their effect on a running engine. */

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

const run = (...args: string[]) =>
  main([
    'node',
    'kstellar',
    'controller',
    'run',
    '--wds-kubeconfig',
    wdsFile,
    '--its-kubeconfig',
    itsFile,
    '--wds-name',
    'wds1',
    ...args,
  ]);

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

describe('kstellar controller run: tuning flags', () => {
  it.each([
    [['--max-num-wrapped', '0'], /--max-num-wrapped.*'0' is invalid.*whole number of at least 1/],
    [['--max-num-wrapped', '1.5'], /--max-num-wrapped.*whole number/],
    [['--max-num-wrapped', 'lots'], /--max-num-wrapped.*whole number/],
    [['--max-size-wrapped', '-1'], /--max-size-wrapped.*whole number/],
    [['--max-size-wrapped', '10k'], /--max-size-wrapped.*whole number/],
    [
      ['--controllers', 'binding,stats'],
      /--controllers.*unknown controller "stats"; choose from binding, transport, status/,
    ],
    [['--controllers', ''], /--controllers.*unknown controller ""/],
    [['--qps', '0'], /--qps.*number greater than 0/],
    [['--qps', 'fast'], /--qps.*number greater than 0/],
    [['--burst', '0'], /--burst.*whole number/],
  ])('exits 2 for %j', async (args, message) => {
    const err = captureStderr();
    try {
      expect(await run(...args)).toBe(2);
      expect(err.text()).toMatch(message);
    } finally {
      err.restore();
    }
  });

  it('passes the wrapping limits, controller set and rate limits; split engines run side by side', async () => {
    const err = captureStderr();
    const wds = DynamicClient.fromKubeConfig(kubeConfigFromString(wdsSpace.kubeconfig()));
    const its = DynamicClient.fromKubeConfig(kubeConfigFromString(itsSpace.kubeconfig()));
    // The CLI runs the transport alone; the rest of the engine runs here, with its own lease.
    const exited = run(
      '--controllers',
      'transport',
      '--max-num-wrapped',
      '3',
      '--max-size-wrapped',
      '100000',
      '--qps',
      '200.5',
      '--burst',
      '50',
      '--log-level',
      'silent',
    );
    const rest = new AbortController();
    let restDone: Promise<void> | undefined;
    try {
      // The CRDs are there once the engine runs.
      await eventually(async () => {
        await its.list(MANAGED_CLUSTER);
        await wds.list(BINDING);
        return true;
      }, 'engine CRDs');
      const other = createEngine({
        wdsKubeconfig: wdsSpace.kubeconfig(),
        itsKubeconfig: itsSpace.kubeconfig(),
        wdsName: 'wds1',
        controllers: ['status', 'binding'],
      });
      restDone = other.start(rest.signal);
      await other.ready();
      // One lease per controller set: both parts lead at once.
      const want = [engineLeaseName('wds1', ['binding', 'status']), 'kstellar-engine-wds1-transport'];
      await eventually(async () => {
        const l = (await wds.list(LEASES, { namespace: ENGINE_NAMESPACE })).items;
        return JSON.stringify(l.map((x) => x.metadata?.name).sort()) === JSON.stringify(want);
      }, 'a lease for each part');
      expect(want[0]).toBe('kstellar-engine-wds1-binding-status');
      await its.create(NAMESPACE, { metadata: { name: 'cluster1' } });
      await its.create(MANAGED_CLUSTER, {
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: { name: 'cluster1', labels: { name: 'cluster1' } },
        spec: { hubAcceptsClient: true },
      });
      await wds.create(NAMESPACE, { metadata: { name: 'flags' } });
      for (const name of ['a', 'b'])
        await wds.create(
          CONFIG_MAP,
          { metadata: { name, namespace: 'flags', labels: { app: 'flags' } }, data: { name } },
          { namespace: 'flags' },
        );
      await createPolicy(wds, 'flags', {
        clusterSelectors: [{ matchLabels: { name: 'cluster1' } }],
        downsync: [{ objectSelectors: [{ matchLabels: { app: 'flags' } }] }],
      });
      // Both objects in one work named by shard (max 3 per work).
      const works = await eventually(async () => {
        const l = (await its.list<ManifestWork>(MANIFEST_WORK, { namespace: 'cluster1' })).items;
        return l.length === 1 && l[0].spec?.workload?.manifests?.length === 2 && l;
      }, 'one work with both ConfigMaps');
      expect(works[0].metadata.name).toBe('flags-wds1-0');
      await eventually(async () => {
        const b = await wds.get<Binding>(BINDING, 'flags');
        return b.status?.observedGeneration === b.metadata.generation;
      }, 'Binding status written by the transport');
    } finally {
      rest.abort();
      await restDone;
      wds.rest.close();
      its.rest.close();
      process.emit('SIGTERM');
      const code = await exited;
      err.restore();
      expect({ code, stderr: err.text() }).toEqual({ code: 0, stderr: '' });
    }
  });
});
