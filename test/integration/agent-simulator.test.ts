import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Space } from '../../src/space/space.js';
import { tempDir, removeDir } from '../helpers/space-process.js';
import { DynamicClient, kubeConfigFromString } from '../../src/kube/index.js';
import type { KObject } from '../../src/api/meta.js';
import { createSimulator } from '../../src/agent/runtime/simulator-driver.js';
import { SIM_BEHAVIOR_ANNOTATION, SIM_DELAY_ANNOTATION } from '../../src/agent/simulator/index.js';
import { eventually } from './helpers/engine-env.js';

/** The simulator driver against a real space: statuses written, delays honoured, no write loops. */

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
const JOBS = { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true };
const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const NS = 'default';

let dir: string;
let space: Space;
let client: DynamicClient;
const stop = new AbortController();
let running: Promise<void>;

const labels = { app: 'web' };
const template = { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function deployment(name: string, replicas: number, annotations?: Record<string, string>): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
    spec: { replicas, selector: { matchLabels: labels }, template },
  };
}

function job(name: string, annotations?: Record<string, string>): KObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
    spec: {
      backoffLimit: 1,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
    },
  };
}

const condOf = (o: KObject, type: string) =>
  (o.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

beforeAll(async () => {
  dir = tempDir();
  space = await Space.start({ dataDir: dir, name: 'cluster1' });
  client = DynamicClient.fromKubeConfig(kubeConfigFromString(space.kubeconfig()));
  const sim = createSimulator({ spoke: client });
  running = sim.start(stop.signal);
  await sim.ready();
});

afterAll(async () => {
  stop.abort();
  await running;
  client?.rest.close();
  await space?.close();
  removeDir(dir);
});

describe('simulator driver', () => {
  it('makes a Deployment available and leaves it alone afterwards', async () => {
    await client.create(DEPLOYMENTS, deployment('web', 3));
    const d = await eventually(async () => {
      const o = await client.get(DEPLOYMENTS, 'web', { namespace: NS });
      return condOf(o, 'Available')?.status === 'True' && o;
    }, 'web Available');
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(condOf(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');

    // No rewrite loop: the simulator's own write comes back as a no-op.
    await new Promise((r) => setTimeout(r, 1500));
    const later = await client.get(DEPLOYMENTS, 'web', { namespace: NS });
    expect(later.metadata?.resourceVersion).toBe(d.metadata?.resourceVersion);

    // A scale-up is a new generation: the status follows.
    await client.patch(DEPLOYMENTS, 'web', { spec: { replicas: 5 } }, { type: 'merge', namespace: NS });
    await eventually(async () => {
      const o = await client.get(DEPLOYMENTS, 'web', { namespace: NS });
      return o.status?.observedGeneration === 2 && o.status?.readyReplicas === 5;
    }, 'web scaled to 5 ready replicas');
  });

  it('waits for the delay annotation, then completes a Job', async () => {
    await client.create(JOBS, job('batch', { [SIM_DELAY_ANNOTATION]: '1500ms' }));
    const running = await eventually(async () => {
      const o = await client.get(JOBS, 'batch', { namespace: NS });
      return o.status?.startTime && o;
    }, 'the Job started');
    expect(condOf(running, 'Complete')).toBeUndefined();
    const done = await eventually(
      async () => {
        const o = await client.get(JOBS, 'batch', { namespace: NS });
        return condOf(o, 'Complete')?.status === 'True' && o;
      },
      'the Job complete',
      10_000,
    );
    expect(done.status).toMatchObject({ succeeded: 1 });
    expect(done.status.completionTime).toBeTruthy();
  });

  it('honours behavior fail and stall', async () => {
    await client.create(JOBS, job('doomed', { [SIM_BEHAVIOR_ANNOTATION]: 'fail' }));
    await client.create(DEPLOYMENTS, deployment('broken', 2, { [SIM_BEHAVIOR_ANNOTATION]: 'fail' }));
    await client.create(DEPLOYMENTS, deployment('stuck', 1, { [SIM_BEHAVIOR_ANNOTATION]: 'stall' }));

    const failedJob = await eventually(async () => {
      const o = await client.get(JOBS, 'doomed', { namespace: NS });
      return condOf(o, 'Failed')?.status === 'True' && o;
    }, 'the Job failed');
    expect(condOf(failedJob, 'Failed')?.reason).toBe('BackoffLimitExceeded');
    expect(failedJob.status.failed).toBe(2);

    const broken = await eventually(async () => {
      const o = await client.get(DEPLOYMENTS, 'broken', { namespace: NS });
      return condOf(o, 'Progressing')?.reason === 'ProgressDeadlineExceeded' && o;
    }, 'broken past its progress deadline');
    expect(condOf(broken, 'Available')?.status).toBe('False');
    expect(broken.status.unavailableReplicas).toBe(2);

    const stuck = await eventually(async () => {
      const o = await client.get(DEPLOYMENTS, 'stuck', { namespace: NS });
      return o.status?.observedGeneration === 1 && o;
    }, 'stuck observed');
    await new Promise((r) => setTimeout(r, 1000));
    const stillStuck = await client.get(DEPLOYMENTS, 'stuck', { namespace: NS });
    expect(condOf(stillStuck, 'Available')?.status).toBe('False');
    expect(condOf(stillStuck, 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    expect(stillStuck.metadata?.resourceVersion).toBe(stuck.metadata?.resourceVersion);
  });

  it('runs a Pod: Running and Ready with an IP', async () => {
    await client.create(PODS, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: NS, labels },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    const pod = await eventually(async () => {
      const o = await client.get(PODS, 'web-0', { namespace: NS });
      return o.status?.phase === 'Running' && o;
    }, 'the Pod running');
    expect(pod.status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(condOf(pod, 'Ready')?.status).toBe('True');
    expect(pod.status.containerStatuses[0]).toMatchObject({ name: 'c', ready: true });
  });
});
