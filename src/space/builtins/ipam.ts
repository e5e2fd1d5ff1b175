import type { KObject, StrategyContext } from '../types.js';

/**
 * Service ClusterIP and NodePort allocation (a kube-apiserver job, apiserver-compat.md §15.1):
 * IPs from 10.96.0.0/12 (10.96.0.1 is kept for the `kubernetes` Service and handed out only on
 * request) and node ports from 30000-32767. The used sets live in memory and are rebuilt from the
 * stored Services at start-up with `observe`.
 */

export type IpamApi = StrategyContext['ipam'];

/** A request the allocator cannot satisfy; the message is upstream's allocator text. */
export class IpamError extends Error {
  override readonly name = 'IpamError';
}

export interface IpamOptions {
  /** CIDR of the service range (IPv4). */
  serviceCIDR?: string;
  nodePortRange?: [number, number];
  /** Random integer in [0, n): injectable for deterministic tests. */
  random?: (n: number) => number;
}

function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export class Ipam implements IpamApi {
  readonly serviceCIDR: string;
  readonly nodePortRange: [number, number];
  private readonly base: number;
  private readonly size: number;
  private readonly random: (n: number) => number;
  private readonly usedIPs = new Set<number>();
  private readonly usedPorts = new Set<number>();

  constructor(opts: IpamOptions = {}) {
    this.serviceCIDR = opts.serviceCIDR ?? '10.96.0.0/12';
    this.nodePortRange = opts.nodePortRange ?? [30000, 32767];
    this.random = opts.random ?? ((n) => Math.floor(Math.random() * n));
    const [addr, bits] = this.serviceCIDR.split('/');
    const start = ipToInt(addr);
    const prefix = Number(bits);
    if (start === undefined || !(prefix >= 8 && prefix <= 30))
      throw new Error(`invalid service CIDR ${this.serviceCIDR}`);
    this.size = 2 ** (32 - prefix);
    this.base = start - (start % this.size);
  }

  /** The address kept for the `kubernetes` Service (first usable address of the range). */
  get kubernetesServiceIP(): string {
    return intToIp(this.base + 1);
  }

  // ---------------------------------------------------------------------------------------------
  // cluster IPs

  allocateClusterIP(requested?: string): string {
    if (requested) {
      const n = this.checkIP(requested);
      if (this.usedIPs.has(n)) throw new IpamError('provided IP is already allocated');
      this.usedIPs.add(n);
      return requested;
    }
    const n = this.pickIP();
    this.usedIPs.add(n);
    return intToIp(n);
  }

  releaseClusterIP(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.usedIPs.delete(n);
  }

  isClusterIPAllocated(ip: string): boolean {
    const n = ipToInt(ip);
    return n !== undefined && this.usedIPs.has(n);
  }

  private checkIP(ip: string): number {
    const n = ipToInt(ip);
    // Network and broadcast addresses are outside the usable range too.
    if (n === undefined || n <= this.base || n >= this.base + this.size - 1)
      throw new IpamError(
        `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.serviceCIDR}`,
      );
    return n;
  }

  /** A free address: random probes first, then a scan; never the network, broadcast or kubernetes address. */
  private pickIP(): number {
    const first = this.base + 2;
    const count = this.size - 3;
    for (let i = 0; i < 64; i++) {
      const n = first + this.random(count);
      if (!this.usedIPs.has(n)) return n;
    }
    const offset = this.random(count);
    for (let i = 0; i < count; i++) {
      const n = first + ((offset + i) % count);
      if (!this.usedIPs.has(n)) return n;
    }
    throw new IpamError(`range is full`);
  }

  // ---------------------------------------------------------------------------------------------
  // node ports

  allocateNodePort(requested?: number): number {
    const [lo, hi] = this.nodePortRange;
    if (requested !== undefined && requested !== 0) {
      if (!Number.isInteger(requested) || requested < lo || requested > hi)
        throw new IpamError(
          `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`,
        );
      if (this.usedPorts.has(requested)) throw new IpamError('provided port is already allocated');
      this.usedPorts.add(requested);
      return requested;
    }
    const count = hi - lo + 1;
    const offset = this.random(count);
    for (let i = 0; i < count; i++) {
      const p = lo + ((offset + i) % count);
      if (!this.usedPorts.has(p)) {
        this.usedPorts.add(p);
        return p;
      }
    }
    throw new IpamError('range is full');
  }

  releaseNodePort(port: number): void {
    this.usedPorts.delete(port);
  }

  isNodePortAllocated(port: number): boolean {
    return this.usedPorts.has(port);
  }

  // ---------------------------------------------------------------------------------------------
  // start-up and transactions

  /** Mark what a stored Service holds as used (start-up rebuild). */
  observe(service: KObject): void {
    const spec = service?.spec ?? {};
    const ips = new Set<string>(
      [...(Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []), spec.clusterIP].filter(
        (x) => typeof x === 'string',
      ),
    );
    for (const ip of ips) {
      const n = ipToInt(ip);
      if (n !== undefined && n > this.base && n < this.base + this.size - 1) this.usedIPs.add(n);
    }
    const [lo, hi] = this.nodePortRange;
    const mark = (p: unknown) => {
      if (typeof p === 'number' && p >= lo && p <= hi) this.usedPorts.add(p);
    };
    for (const port of Array.isArray(spec.ports) ? spec.ports : []) mark(port?.nodePort);
    mark(spec.healthCheckNodePort);
  }

  /**
   * An allocator view whose effects can be undone: allocations happen at once (so concurrent
   * requests cannot take the same value) and `rollback` returns them; releases are held back until
   * `commit`, so a failed write keeps what the stored object still owns.
   */
  begin(): IpamTransaction {
    return new IpamTransaction(this);
  }

  /** A view for dry runs: it answers like the allocator but records nothing. */
  preview(): IpamApi {
    const tx = this.begin();
    return {
      allocateClusterIP: (r) => {
        const ip = tx.allocateClusterIP(r);
        tx.rollback();
        return ip;
      },
      releaseClusterIP: () => {},
      allocateNodePort: (r) => {
        const p = tx.allocateNodePort(r);
        tx.rollback();
        return p;
      },
      releaseNodePort: () => {},
    };
  }
}

export class IpamTransaction implements IpamApi {
  private ips: string[] = [];
  private ports: number[] = [];
  private releasedIPs: string[] = [];
  private releasedPorts: number[] = [];

  constructor(private readonly ipam: Ipam) {}

  allocateClusterIP(requested?: string): string {
    const ip = this.ipam.allocateClusterIP(requested);
    this.ips.push(ip);
    return ip;
  }

  releaseClusterIP(ip: string): void {
    this.releasedIPs.push(ip);
  }

  allocateNodePort(requested?: number): number {
    const p = this.ipam.allocateNodePort(requested);
    this.ports.push(p);
    return p;
  }

  releaseNodePort(port: number): void {
    this.releasedPorts.push(port);
  }

  commit(): void {
    for (const ip of this.releasedIPs) this.ipam.releaseClusterIP(ip);
    for (const p of this.releasedPorts) this.ipam.releaseNodePort(p);
    this.reset();
  }

  rollback(): void {
    for (const ip of this.ips) this.ipam.releaseClusterIP(ip);
    for (const p of this.ports) this.ipam.releaseNodePort(p);
    this.reset();
  }

  private reset(): void {
    this.ips = [];
    this.ports = [];
    this.releasedIPs = [];
    this.releasedPorts = [];
  }
}
