import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.js';
import type { KObject, StrategyContext } from '../types.js';
import { Ipam } from './ipam.js';
import { serviceStrategy } from './strategies/service.js';

function setup() {
  const ipam = new Ipam({ random: () => 0 });
  const ctx: StrategyContext = { now: new Date('2025-01-01T00:00:00Z'), ipam, newUid: () => 'uid' };
  const create = (spec: Record<string, unknown>, name = 'web'): KObject => {
    const obj: KObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: structuredClone(spec),
      status: {},
    };
    serviceStrategy.prepareCreate!(obj, ctx);
    return obj;
  };
  const update = (old: KObject, change: (o: KObject) => void): KObject => {
    const obj = structuredClone(old);
    change(obj);
    serviceStrategy.prepareUpdate!(obj, old, ctx);
    return obj;
  };
  return { ipam, ctx, create, update };
}

/** The 422 message a strategy throws. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(422);
    return (e as ApiError).message;
  }
  throw new Error('expected a 422');
}

describe('Service create', () => {
  it('defaults a ClusterIP service and allocates its IP', () => {
    const { create } = setup();
    const svc = create({
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80 },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
      ],
    });
    expect(svc.spec).toEqual({
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 5353 },
      ],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
      clusterIP: '10.96.0.2',
      clusterIPs: ['10.96.0.2'],
    });
    expect(svc.status).toEqual({ loadBalancer: {} });
  });

  it('gives NodePort and LoadBalancer services node ports and the external defaults', () => {
    const { create, ipam } = setup();
    const np = create({
      type: 'NodePort',
      ports: [
        { name: 'tcp', port: 80 },
        { name: 'udp', port: 80, protocol: 'UDP' },
      ],
    });
    expect(np.spec.ports.map((p: any) => p.nodePort)).toEqual([30000, 30000]);
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
    const lb = create(
      { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 443, nodePort: 31443 }] },
      'lb',
    );
    expect(lb.spec).toMatchObject({
      allocateLoadBalancerNodePorts: true,
      healthCheckNodePort: 30001,
      internalTrafficPolicy: 'Cluster',
    });
    expect(lb.spec.ports[0].nodePort).toBe(31443);
    expect(ipam.isNodePortAllocated(31443)).toBe(true);
  });

  it('sets sessionAffinityConfig for ClientIP affinity', () => {
    const { create } = setup();
    expect(create({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }).spec.sessionAffinityConfig).toEqual(
      { clientIP: { timeoutSeconds: 10800 } },
    );
  });

  it('keeps headless services headless', () => {
    const { create, ipam } = setup();
    const headless = create({ clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] });
    expect(headless.spec).toMatchObject({
      clusterIP: 'None',
      clusterIPs: ['None'],
      ipFamilyPolicy: 'SingleStack',
    });
    const selectorless = create({ clusterIP: 'None' }, 'peers');
    expect(selectorless.spec).toMatchObject({
      clusterIPs: ['None'],
      ipFamilyPolicy: 'RequireDualStack',
      ipFamilies: ['IPv4'],
    });
    expect(ipam.allocateClusterIP()).toBe('10.96.0.2');
  });

  it('gives ExternalName services no IP, families or internal traffic policy', () => {
    const { create } = setup();
    const svc = create({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(svc.spec).toEqual({
      type: 'ExternalName',
      externalName: 'db.example.com',
      sessionAffinity: 'None',
    });
  });

  it('reports allocation conflicts like upstream and leaks nothing', () => {
    const { create, ipam } = setup();
    create({ clusterIP: '10.96.0.50', ports: [{ port: 80 }] }, 'a');
    expect(failure(() => create({ clusterIP: '10.96.0.50', ports: [{ port: 80 }] }, 'b'))).toBe(
      'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: provided IP is already allocated',
    );
    create({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'c');
    expect(failure(() => create({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, 'd'))).toBe(
      'Service "d" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    // The failed create released the IP it had taken before the node port failed.
    expect(ipam.allocateClusterIP()).toBe('10.96.0.3');
  });

  it('validates before allocating', () => {
    const { create, ipam } = setup();
    expect(failure(() => create({ ports: [] }))).toBe('Service "web" is invalid: spec.ports: Required value');
    expect(failure(() => create({ ports: [{ port: 80 }, { port: 81 }] }))).toBe(
      'Service "web" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
    );
    expect(failure(() => create({ type: 'Foo', ports: [{ port: 80 }] }))).toContain(
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    expect(failure(() => create({ ports: [{ port: 80, nodePort: 30001 }] }))).toContain(
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    );
    expect(ipam.allocateClusterIP()).toBe('10.96.0.2');
  });
});

describe('Service update', () => {
  it('keeps the allocated clusterIP when a client leaves it out', () => {
    const { create, update } = setup();
    const old = create({ ports: [{ port: 80 }] });
    const next = update(old, (o) => {
      delete o.spec.clusterIP;
      delete o.spec.clusterIPs;
      delete o.spec.ipFamilies;
      delete o.spec.ipFamilyPolicy;
    });
    expect(next.spec).toMatchObject({
      clusterIP: '10.96.0.2',
      clusterIPs: ['10.96.0.2'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
  });

  it('refuses to change the clusterIP', () => {
    const { create, update } = setup();
    const old = create({ ports: [{ port: 80 }] });
    expect(failure(() => update(old, (o) => (o.spec.clusterIP = '10.96.0.9')))).toBe(
      'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.9"}: may not change once set',
    );
  });

  it('keeps node ports by port name and releases the ones no longer used', () => {
    const { create, update, ipam } = setup();
    const old = create({
      type: 'NodePort',
      ports: [
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
      ],
    });
    expect(old.spec.ports.map((p: any) => p.nodePort)).toEqual([30000, 30001]);
    const next = update(old, (o) => {
      o.spec.ports = [{ name: 'http', port: 8080 }];
    });
    expect(next.spec.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP', targetPort: 8080, nodePort: 30000 },
    ]);
    expect(ipam.isNodePortAllocated(30001)).toBe(false);
    expect(ipam.isNodePortAllocated(30000)).toBe(true);
  });

  it('drops and releases what a new type no longer needs', () => {
    const { create, update, ipam } = setup();
    const old = create({ type: 'NodePort', ports: [{ port: 80 }] });
    const asClusterIP = update(old, (o) => (o.spec.type = 'ClusterIP'));
    expect(asClusterIP.spec.ports[0].nodePort).toBeUndefined();
    expect(asClusterIP.spec.externalTrafficPolicy).toBeUndefined();
    expect(ipam.isNodePortAllocated(30000)).toBe(false);

    const asExternal = update(asClusterIP, (o) => {
      o.spec.type = 'ExternalName';
      o.spec.externalName = 'x.example.com';
    });
    expect(asExternal.spec.clusterIP).toBeUndefined();
    expect(asExternal.spec.clusterIPs).toBeUndefined();
    expect(ipam.isClusterIPAllocated('10.96.0.2')).toBe(false);

    const back = update(asExternal, (o) => {
      o.spec.type = 'ClusterIP';
      delete o.spec.externalName;
    });
    expect(back.spec.clusterIP).toBe('10.96.0.2');
  });
});

describe('Service delete', () => {
  it('releases the IP and node ports', () => {
    const { create, ipam, ctx } = setup();
    const svc = create({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    serviceStrategy.afterDelete!(svc, ctx);
    expect(ipam.isClusterIPAllocated(svc.spec.clusterIP)).toBe(false);
    expect(ipam.isNodePortAllocated(svc.spec.ports[0].nodePort)).toBe(false);
    expect(ipam.isNodePortAllocated(svc.spec.healthCheckNodePort)).toBe(false);
  });
});
