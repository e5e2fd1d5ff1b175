import { describe, expect, it } from 'vitest';
import { Ipam, IpamError } from './ipam.js';

/** A deterministic "random": always the first candidate. */
const first = { random: () => 0 };

describe('Ipam cluster IPs', () => {
  it('allocates distinct addresses from 10.96.0.0/12, never the network or kubernetes address', () => {
    const ipam = new Ipam(first);
    expect(ipam.allocateClusterIP()).toBe('10.96.0.2');
    expect(ipam.allocateClusterIP()).toBe('10.96.0.3');
    expect(ipam.kubernetesServiceIP).toBe('10.96.0.1');
  });

  it('hands out 10.96.0.1 only on request', () => {
    const ipam = new Ipam(first);
    expect(ipam.allocateClusterIP('10.96.0.1')).toBe('10.96.0.1');
    expect(() => ipam.allocateClusterIP('10.96.0.1')).toThrow(
      new IpamError('provided IP is already allocated'),
    );
  });

  it("rejects requests outside the range with upstream's message", () => {
    const ipam = new Ipam(first);
    expect(() => ipam.allocateClusterIP('10.112.0.1')).toThrow(
      'the provided IP (10.112.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    expect(() => ipam.allocateClusterIP('10.96.0.0')).toThrow(IpamError);
    expect(() => ipam.allocateClusterIP('10.111.255.255')).toThrow(IpamError);
    expect(ipam.allocateClusterIP('10.111.255.254')).toBe('10.111.255.254');
  });

  it('reuses released addresses and skips taken ones', () => {
    const ipam = new Ipam({ serviceCIDR: '10.0.0.0/29', random: () => 0 });
    // usable: .2 .. .6 (.0 network, .1 kubernetes, .7 broadcast)
    const got = [1, 2, 3, 4, 5].map(() => ipam.allocateClusterIP());
    expect(got).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(() => ipam.allocateClusterIP()).toThrow('range is full');
    ipam.releaseClusterIP('10.0.0.4');
    expect(ipam.allocateClusterIP()).toBe('10.0.0.4');
  });
});

describe('Ipam node ports', () => {
  it('allocates from 30000-32767 and honours requests', () => {
    const ipam = new Ipam(first);
    expect(ipam.allocateNodePort()).toBe(30000);
    expect(ipam.allocateNodePort(30080)).toBe(30080);
    expect(() => ipam.allocateNodePort(30080)).toThrow('provided port is already allocated');
    expect(() => ipam.allocateNodePort(80)).toThrow(
      'provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    ipam.releaseNodePort(30080);
    expect(ipam.allocateNodePort(30080)).toBe(30080);
  });
});

describe('Ipam.observe', () => {
  it('rebuilds the used sets from stored Services', () => {
    const ipam = new Ipam(first);
    ipam.observe({
      spec: {
        clusterIP: '10.96.0.2',
        clusterIPs: ['10.96.0.2'],
        ports: [{ port: 80, nodePort: 30000 }],
        healthCheckNodePort: 30001,
      },
    });
    ipam.observe({ spec: { clusterIP: 'None', clusterIPs: ['None'] } });
    ipam.observe({ spec: { type: 'ExternalName', externalName: 'x.example.com' } });
    expect(ipam.isClusterIPAllocated('10.96.0.2')).toBe(true);
    expect(ipam.allocateClusterIP()).toBe('10.96.0.3');
    expect(ipam.allocateNodePort()).toBe(30002);
    expect(() => ipam.allocateClusterIP('10.96.0.2')).toThrow('already allocated');
  });
});

describe('Ipam transactions', () => {
  it('rolls back allocations and defers releases until commit', () => {
    const ipam = new Ipam(first);
    const kept = ipam.allocateClusterIP();
    const tx = ipam.begin();
    const ip = tx.allocateClusterIP();
    tx.releaseClusterIP(kept);
    expect(ipam.isClusterIPAllocated(kept)).toBe(true);
    tx.rollback();
    expect(ipam.isClusterIPAllocated(ip)).toBe(false);
    expect(ipam.isClusterIPAllocated(kept)).toBe(true);

    const tx2 = ipam.begin();
    tx2.allocateNodePort(31000);
    tx2.releaseClusterIP(kept);
    tx2.commit();
    expect(ipam.isNodePortAllocated(31000)).toBe(true);
    expect(ipam.isClusterIPAllocated(kept)).toBe(false);
  });

  it('previews without recording anything', () => {
    const ipam = new Ipam(first);
    const view = ipam.preview();
    expect(view.allocateClusterIP()).toBe('10.96.0.2');
    expect(view.allocateClusterIP()).toBe('10.96.0.2');
    expect(view.allocateNodePort(30500)).toBe(30500);
    expect(ipam.isNodePortAllocated(30500)).toBe(false);
    ipam.allocateNodePort(30500);
    expect(() => view.allocateNodePort(30500)).toThrow('already allocated');
  });
});
