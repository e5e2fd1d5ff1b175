import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/meta.js';
import { canonicalize, cleanForDownsync, downsyncFingerprint } from './clean.js';

const deployment = (): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'nginx',
    namespace: 'nginx',
    uid: 'u1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2024-01-01T00:00:00Z',
    deletionTimestamp: '2024-01-02T00:00:00Z',
    deletionGracePeriodSeconds: 0,
    selfLink: '/x',
    generateName: 'ng-',
    finalizers: ['f'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }],
    managedFields: [{ manager: 'kubectl' }],
    labels: { app: 'nginx', 'managed-by.kubestellar.io/singletonstatus': 'true' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'control.kubestellar.io/expand-templates': 'true',
    },
  },
  spec: { replicas: 1 },
  status: { availableReplicas: 1 },
});

describe('generic cleaning (§3.3.1)', () => {
  it('drops server-set fields and status, keeps labels and other annotations', () => {
    const live = deployment();
    const clean = cleanForDownsync(live);
    expect(clean).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'nginx',
        namespace: 'nginx',
        labels: { app: 'nginx', 'managed-by.kubestellar.io/singletonstatus': 'true' },
        annotations: { 'control.kubestellar.io/expand-templates': 'true' },
      },
      spec: { replicas: 1 },
    });
    expect(live.metadata!.uid).toBe('u1'); // input untouched
  });

  it('removes a map left empty and sorts keys', () => {
    const live = deployment();
    live.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    const clean = cleanForDownsync(live);
    expect('annotations' in clean.metadata!).toBe(false);
    expect(Object.keys(clean)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(JSON.stringify(canonicalize({ b: 1, a: { d: 1, c: [{ f: 1, e: 2 }] } }))).toBe(
      '{"a":{"c":[{"e":2,"f":1}],"d":1},"b":1}',
    );
  });
});

describe('built-in cleaning (§3.3.2)', () => {
  const service = (over: Record<string, unknown> = {}, annotations?: Record<string, string>): KObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n', ...(annotations ? { annotations } : {}) },
    spec: {
      type: 'NodePort',
      clusterIP: '10.0.0.7',
      clusterIPs: ['10.0.0.7'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      selector: { app: 's' },
      ports: [{ port: 80, targetPort: 80, protocol: 'TCP', nodePort: 30080 }],
      ...over,
    },
  });

  it('E2E-17: a NodePort Service loses its WDS allocations', () => {
    expect(cleanForDownsync(service()).spec).toEqual({
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: 's' },
      type: 'NodePort',
    });
  });

  it('keeps a headless Service headless and honours preserve: nodeport', () => {
    const headless = cleanForDownsync(service({ clusterIP: 'None', clusterIPs: ['None'] })).spec;
    expect([headless.clusterIP, headless.clusterIPs]).toEqual(['None', ['None']]);
    expect(
      cleanForDownsync(service({}, { 'control.kubestellar.io/preserve': 'nodeport' })).spec.ports[0].nodePort,
    ).toBe(30080);
  });

  const job = (annotations: Record<string, string> = {}): KObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      generateName: 'pi-',
      name: 'pi-x7k2',
      namespace: 'nginx',
      labels: {
        'app.kubernetes.io/name': 'hello-job',
        'controller-uid': 'u',
        'batch.kubernetes.io/controller-uid': 'u',
      },
      annotations: { 'batch.kubernetes.io/job-tracking': '', ...annotations },
    },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } },
      suspend: true,
      template: {
        metadata: {
          labels: { 'controller-uid': 'u', 'batch.kubernetes.io/controller-uid': 'u', 'job-name': 'pi-x7k2' },
        },
        spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] },
      },
    },
    status: { active: 1 },
  });

  it('E2E-18: a Job loses selector, suspend, tracking and controller-uid labels, keeps its name', () => {
    const c = cleanForDownsync(job());
    expect(c.metadata).toEqual({
      labels: { 'app.kubernetes.io/name': 'hello-job' },
      name: 'pi-x7k2',
      namespace: 'nginx',
    });
    expect(c.spec.selector).toBeUndefined();
    expect(c.spec.suspend).toBeUndefined();
    expect(c.spec.template.metadata.labels).toEqual({ 'job-name': 'pi-x7k2' });
    expect(c.status).toBeUndefined();
  });

  it('[IMPROVE] preserve: suspend keeps a suspended Job suspended', () => {
    expect(
      cleanForDownsync(job({ 'control.kubestellar.io/preserve': 'nodeport, suspend' })).spec.suspend,
    ).toBe(true);
  });

  it('leaves other kinds and versions alone', () => {
    const svcLike = { ...service(), apiVersion: 'example.com/v1' };
    expect(cleanForDownsync(svcLike).spec.clusterIP).toBe('10.0.0.7');
  });
});

describe('downsyncFingerprint', () => {
  it('ignores what KubeStellar and the server change, follows the content', () => {
    const a = deployment();
    const b = deployment();
    b.metadata!.resourceVersion = '43';
    b.status = { availableReplicas: 2 };
    delete b.metadata!.labels!['managed-by.kubestellar.io/singletonstatus'];
    b.metadata!.labels!['managed-by.kubestellar.io/multiwecstatus'] = 'true';
    expect(downsyncFingerprint(b)).toBe(downsyncFingerprint(a));
    b.spec.replicas = 2;
    expect(downsyncFingerprint(b)).not.toBe(downsyncFingerprint(a));
  });
});
