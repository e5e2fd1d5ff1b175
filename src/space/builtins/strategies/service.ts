import { isDeepStrictEqual } from 'node:util';
import { errors, fieldErr, type FieldError } from '../../errors.js';
import type { KObject, Strategy, StrategyContext } from '../../types.js';
import { goStringSlice } from '../format.js';
import { IpamError } from '../ipam.js';
import { dns1123Label, dns1123Subdomain, portName } from '../names.js';
import { asArray, ensureObject, goInvalid, isObject, unset } from './common.js';

/**
 * Services: defaults (pkg/apis/core/v1/defaults.go), ClusterIP / NodePort allocation and the
 * update rules of upstream's service REST storage (apiserver-compat.md §15.1): values a client
 * leaves out on update are kept, fields the new type no longer uses are dropped when the client did
 * not touch them, and a set clusterIP never changes. Allocation happens last, after the
 * service-specific validation, so a rejected request leaks nothing.
 */

type Ipam = StrategyContext['ipam'];

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const FAMILY_POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];

const spec = (o: KObject): Record<string, any> => ensureObject(o, 'spec');
const needsClusterIP = (s: any): boolean => s?.type !== 'ExternalName';
const needsNodePorts = (s: any): boolean =>
  s?.type === 'NodePort' || (s?.type === 'LoadBalancer' && s?.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckPort = (s: any): boolean =>
  s?.type === 'LoadBalancer' && s?.externalTrafficPolicy === 'Local';
const externallyAccessible = (s: any): boolean =>
  s?.type === 'LoadBalancer' ||
  s?.type === 'NodePort' ||
  (s?.type === 'ClusterIP' && asArray(s?.externalIPs).length > 0);
const isHeadless = (s: any): boolean => s?.clusterIP === 'None';

// ---------------------------------------------------------------------------------------------
// defaults

export function defaultService(obj: KObject): void {
  const s = spec(obj);
  if (unset(s.sessionAffinity)) s.sessionAffinity = 'None';
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (
    s.sessionAffinity === 'ClientIP' &&
    typeof s.sessionAffinityConfig?.clientIP?.timeoutSeconds !== 'number'
  )
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  if (unset(s.type)) s.type = 'ClusterIP';
  for (const p of asArray(s.ports)) {
    if (!isObject(p)) continue;
    if (unset(p.protocol)) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  }
  if (externallyAccessible(s) && unset(s.externalTrafficPolicy)) s.externalTrafficPolicy = 'Cluster';
  if (unset(s.internalTrafficPolicy) && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(s.type))
    s.internalTrafficPolicy = 'Cluster';
  if (s.type === 'LoadBalancer' && typeof s.allocateLoadBalancerNodePorts !== 'boolean')
    s.allocateLoadBalancerNodePorts = true;
}

// ---------------------------------------------------------------------------------------------
// update helpers (pkg/registry/core/service/storage)

const sameClusterIPs = (a: any, b: any): boolean =>
  isDeepStrictEqual(a?.clusterIPs ?? [], b?.clusterIPs ?? []);

/** `normalizeClusterIPs`: keep clusterIP and clusterIPs consistent for old and new clients. */
function normalizeClusterIPs(next: any, prev: any | undefined): void {
  if (!prev) {
    if (!unset(next.clusterIP) && !asArray(next.clusterIPs).length) next.clusterIPs = [next.clusterIP];
    return;
  }
  if (
    asArray(prev.clusterIPs).length &&
    !asArray(next.clusterIPs).length &&
    (prev.clusterIP ?? '') === (next.clusterIP ?? '')
  )
    next.clusterIPs = prev.clusterIPs;
  if ((prev.clusterIP ?? '') !== (next.clusterIP ?? '')) {
    if (!unset(prev.clusterIP) && unset(next.clusterIP) && sameClusterIPs(prev, next)) delete next.clusterIPs;
    if (!unset(next.clusterIP) && sameClusterIPs(prev, next)) next.clusterIPs = [next.clusterIP];
  }
}

/** `patchAllocatedValues`: what the client left out is kept from the stored object. */
function patchAllocatedValues(next: any, prev: any): void {
  if (needsClusterIP(prev) && needsClusterIP(next)) {
    if (unset(next.clusterIP)) next.clusterIP = prev.clusterIP;
    if (!asArray(next.clusterIPs).length && asArray(prev.clusterIPs).length)
      next.clusterIPs = prev.clusterIPs;
    if (!asArray(next.ipFamilies).length && asArray(prev.ipFamilies).length)
      next.ipFamilies = prev.ipFamilies;
    if (unset(next.ipFamilyPolicy) && !unset(prev.ipFamilyPolicy)) next.ipFamilyPolicy = prev.ipFamilyPolicy;
  }
  if (needsNodePorts(prev) && needsNodePorts(next)) {
    const byName = new Map<string, number>();
    for (const p of asArray(prev.ports)) byName.set(p?.name ?? '', p?.nodePort);
    for (const p of asArray(next.ports))
      if (isObject(p) && !p.nodePort && byName.get(p.name ?? '')) p.nodePort = byName.get(p.name ?? '');
  }
  if (
    needsHealthCheckPort(prev) &&
    needsHealthCheckPort(next) &&
    !next.healthCheckNodePort &&
    prev.healthCheckNodePort
  )
    next.healthCheckNodePort = prev.healthCheckNodePort;
}

const nodePortsOf = (s: any): number[] =>
  asArray(s?.ports)
    .map((p) => p?.nodePort)
    .filter((n) => typeof n === 'number' && n > 0);

/** `dropTypeDependentFields`: clear what the new type no longer uses, when the client left it as it was. */
function dropTypeDependentFields(next: any, prev: any): void {
  if (needsClusterIP(prev) && !needsClusterIP(next)) {
    if (sameClusterIPs(prev, next) && (prev.clusterIP ?? '') === (next.clusterIP ?? '')) {
      delete next.clusterIP;
      delete next.clusterIPs;
    }
    if ((prev.ipFamilyPolicy ?? '') === (next.ipFamilyPolicy ?? '')) delete next.ipFamilyPolicy;
    if (isDeepStrictEqual(prev.ipFamilies ?? [], next.ipFamilies ?? [])) delete next.ipFamilies;
  }
  if (
    needsNodePorts(prev) &&
    !needsNodePorts(next) &&
    isDeepStrictEqual(nodePortsOf(prev), nodePortsOf(next))
  )
    for (const p of asArray(next.ports)) if (isObject(p)) delete p.nodePort;
  if (
    needsHealthCheckPort(prev) &&
    !needsHealthCheckPort(next) &&
    prev.healthCheckNodePort === next.healthCheckNodePort
  )
    delete next.healthCheckNodePort;
  if (prev.type === 'LoadBalancer' && next.type !== 'LoadBalancer') {
    if (
      typeof next.allocateLoadBalancerNodePorts === 'boolean' &&
      next.allocateLoadBalancerNodePorts === prev.allocateLoadBalancerNodePorts
    )
      delete next.allocateLoadBalancerNodePorts;
    if (!unset(next.loadBalancerClass) && next.loadBalancerClass === prev.loadBalancerClass)
      delete next.loadBalancerClass;
  }
  if (
    externallyAccessible(prev) &&
    !externallyAccessible(next) &&
    next.externalTrafficPolicy === prev.externalTrafficPolicy
  )
    delete next.externalTrafficPolicy;
}

// ---------------------------------------------------------------------------------------------
// validation

function validatePorts(s: any): FieldError[] {
  const errs: FieldError[] = [];
  const ports = asArray(s.ports);
  if (!ports.length && !isHeadless(s) && s.type !== 'ExternalName')
    errs.push(fieldErr.required('spec.ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    if (!isObject(p)) return;
    if (unset(p.name)) {
      if (ports.length > 1) errs.push(fieldErr.required(`${path}.name`));
    } else {
      for (const m of dns1123Label(String(p.name))) errs.push(fieldErr.invalid(`${path}.name`, p.name, m));
      if (names.has(p.name)) errs.push(fieldErr.duplicate(`${path}.name`, p.name));
      names.add(p.name);
    }
    if (!(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535))
      errs.push(fieldErr.invalid(`${path}.port`, p.port ?? 0, 'must be between 1 and 65535, inclusive'));
    if (!PROTOCOLS.includes(p.protocol))
      errs.push(fieldErr.notSupported(`${path}.protocol`, p.protocol ?? '', PROTOCOLS));
    if (typeof p.targetPort === 'number') {
      if (!(Number.isInteger(p.targetPort) && p.targetPort >= 1 && p.targetPort <= 65535))
        errs.push(
          fieldErr.invalid(`${path}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'),
        );
    } else if (typeof p.targetPort === 'string') {
      for (const m of portName(p.targetPort))
        errs.push(fieldErr.invalid(`${path}.targetPort`, p.targetPort, m));
    }
    if (p.nodePort && (s.type === 'ClusterIP' || s.type === 'ExternalName'))
      errs.push(fieldErr.forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${s.type}'`));
    const key = `${p.port}/${p.protocol}`;
    if (keys.has(key)) errs.push(fieldErr.duplicate(path, { port: p.port, protocol: p.protocol }));
    keys.add(key);
  });
  return errs;
}

function validateClusterIPs(s: any, prev: any | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const ips = asArray(s.clusterIPs);
  if (s.type === 'ExternalName') {
    if (!unset(s.clusterIP))
      errs.push(fieldErr.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    return errs;
  }
  if (ips.length && !unset(s.clusterIP) && ips[0] !== s.clusterIP)
    errs.push(goInvalid('spec.clusterIPs', goStringSlice(ips), 'first value must match `clusterIP`'));
  if (ips.length > 1 && ips[0] !== 'None')
    errs.push(goInvalid('spec.clusterIPs', goStringSlice(ips), 'may only hold up to 1 values'));
  if (prev && needsClusterIP(prev)) {
    ips.forEach((ip, i) => {
      if (i < asArray(prev.clusterIPs).length && ip !== prev.clusterIPs[i])
        errs.push(goInvalid(`spec.clusterIPs[${i}]`, goStringSlice(ips), 'may not change once set'));
    });
  }
  if (!unset(s.ipFamilyPolicy) && !FAMILY_POLICIES.includes(s.ipFamilyPolicy))
    errs.push(fieldErr.notSupported('spec.ipFamilyPolicy', s.ipFamilyPolicy, FAMILY_POLICIES));
  asArray(s.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4')
      errs.push(fieldErr.invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  if (s.ipFamilyPolicy === 'RequireDualStack' && !(isHeadless(s) && !Object.keys(s.selector ?? {}).length))
    errs.push(
      fieldErr.invalid(
        'spec.ipFamilyPolicy',
        s.ipFamilyPolicy,
        'this cluster is not configured for dual-stack services',
      ),
    );
  return errs;
}

export function validateService(obj: KObject, old: KObject | undefined): FieldError[] {
  const s = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!TYPES.includes(s.type)) errs.push(fieldErr.notSupported('spec.type', s.type ?? '', TYPES));
  if (!AFFINITIES.includes(s.sessionAffinity))
    errs.push(fieldErr.notSupported('spec.sessionAffinity', s.sessionAffinity ?? '', AFFINITIES));
  if (s.type === 'ExternalName') {
    if (unset(s.externalName)) errs.push(fieldErr.required('spec.externalName'));
    else
      for (const m of dns1123Subdomain(String(s.externalName).replace(/\.$/, '')))
        errs.push(fieldErr.invalid('spec.externalName', s.externalName, m));
  }
  errs.push(...validatePorts(s));
  errs.push(...validateClusterIPs(s, old?.spec));
  if (!unset(s.externalTrafficPolicy)) {
    if (!externallyAccessible(s))
      errs.push(
        fieldErr.invalid(
          'spec.externalTrafficPolicy',
          s.externalTrafficPolicy,
          'may only be set for externally-accessible services',
        ),
      );
    else if (!TRAFFIC_POLICIES.includes(s.externalTrafficPolicy))
      errs.push(
        fieldErr.notSupported('spec.externalTrafficPolicy', s.externalTrafficPolicy, TRAFFIC_POLICIES),
      );
  }
  if (!unset(s.internalTrafficPolicy) && !TRAFFIC_POLICIES.includes(s.internalTrafficPolicy))
    errs.push(fieldErr.notSupported('spec.internalTrafficPolicy', s.internalTrafficPolicy, TRAFFIC_POLICIES));
  if (s.healthCheckNodePort && !needsHealthCheckPort(s))
    errs.push(
      fieldErr.invalid(
        'spec.healthCheckNodePort',
        s.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  return errs;
}

// ---------------------------------------------------------------------------------------------
// allocation

/** Allocations made during one write, released again if a later step fails. */
class Allocation {
  private ips: string[] = [];
  private ports: number[] = [];
  constructor(
    private readonly ipam: Ipam,
    private readonly name: string,
  ) {}

  clusterIP(s: any): void {
    const requested = unset(s.clusterIP) ? undefined : String(s.clusterIP);
    try {
      const ip = this.ipam.allocateClusterIP(requested);
      this.ips.push(ip);
      s.clusterIP = ip;
      s.clusterIPs = [ip];
    } catch (e) {
      const value = requested ? [requested] : asArray(s.clusterIPs);
      throw this.invalid(
        e,
        goInvalid(
          'spec.clusterIPs',
          goStringSlice(value),
          `failed to allocate IP ${requested ?? ''}: ${(e as Error).message}`,
        ),
      );
    }
  }

  nodePort(p: any, path: string): void {
    try {
      const port = this.ipam.allocateNodePort(p.nodePort || undefined);
      this.ports.push(port);
      p.nodePort = port;
    } catch (e) {
      throw this.invalid(e, fieldErr.invalid(path, p.nodePort, (e as Error).message));
    }
  }

  healthCheckPort(s: any): void {
    const requested = s.healthCheckNodePort || undefined;
    try {
      const port = this.ipam.allocateNodePort(requested);
      this.ports.push(port);
      s.healthCheckNodePort = port;
    } catch (e) {
      throw this.invalid(
        e,
        fieldErr.invalid(
          'spec.healthCheckNodePort',
          requested ?? 0,
          `failed to allocate requested HealthCheck NodePort ${requested ?? 0}: ${(e as Error).message}`,
        ),
      );
    }
  }

  rollback(): void {
    for (const ip of this.ips) this.ipam.releaseClusterIP(ip);
    for (const p of this.ports) this.ipam.releaseNodePort(p);
  }

  private invalid(e: unknown, fe: FieldError): unknown {
    this.rollback();
    if (!(e instanceof IpamError)) return e;
    return errors.invalid('Service', '', this.name, [fe]);
  }
}

/** IP families: single-stack IPv4, except headless selectorless Services (both "families"). */
function initFamilies(s: any): void {
  if (!needsClusterIP(s)) {
    delete s.ipFamilies;
    delete s.ipFamilyPolicy;
    return;
  }
  if (unset(s.ipFamilyPolicy)) {
    const selectorless = !Object.keys(isObject(s.selector) ? s.selector : {}).length;
    s.ipFamilyPolicy = isHeadless(s) && selectorless ? 'RequireDualStack' : 'SingleStack';
  }
  if (!asArray(s.ipFamilies).length) s.ipFamilies = ['IPv4'];
}

/** Node ports for every port without one; ports sharing a number share a node port. */
function allocateNodePorts(s: any, alloc: Allocation, held: Set<number>): void {
  const byPort = new Map<number, number>();
  for (const p of asArray(s.ports)) if (p?.nodePort) byPort.set(p.port, p.nodePort);
  asArray(s.ports).forEach((p, i) => {
    if (!isObject(p)) return;
    if (!p.nodePort && byPort.has(p.port)) p.nodePort = byPort.get(p.port);
    if (p.nodePort && held.has(p.nodePort)) return;
    alloc.nodePort(p, `spec.ports[${i}].nodePort`);
    held.add(p.nodePort);
    byPort.set(p.port, p.nodePort);
  });
}

function throwIfInvalid(obj: KObject, errs: FieldError[]): void {
  if (errs.length) throw errors.invalid('Service', '', obj.metadata?.name ?? '', errs);
}

export const serviceStrategy: Strategy = {
  prepareCreate(obj, ctx) {
    defaultService(obj);
    const s = spec(obj);
    normalizeClusterIPs(s, undefined);
    if (!needsClusterIP(s)) delete s.clusterIPs;
    initFamilies(s);
    obj.status = { loadBalancer: {} };
    throwIfInvalid(obj, validateService(obj, undefined));
    const alloc = new Allocation(ctx.ipam, obj.metadata?.name ?? '');
    if (needsClusterIP(s)) {
      if (isHeadless(s)) s.clusterIPs = ['None'];
      else alloc.clusterIP(s);
    }
    if (needsNodePorts(s)) allocateNodePorts(s, alloc, new Set());
    if (needsHealthCheckPort(s)) alloc.healthCheckPort(s);
  },

  prepareUpdate(obj, old, ctx) {
    defaultService(obj);
    const s = spec(obj);
    const prev = old.spec ?? {};
    normalizeClusterIPs(s, prev);
    patchAllocatedValues(s, prev);
    dropTypeDependentFields(s, prev);
    initFamilies(s);
    throwIfInvalid(obj, validateService(obj, old));

    const alloc = new Allocation(ctx.ipam, obj.metadata?.name ?? '');
    // Cluster IP: allocated when the type starts needing one, released when it stops.
    const prevIPs = asArray(prev.clusterIPs).filter((ip) => ip !== 'None');
    if (needsClusterIP(s) && !needsClusterIP(prev)) {
      if (isHeadless(s)) s.clusterIPs = ['None'];
      else alloc.clusterIP(s);
    }
    // Node ports: keep the ones still in use, allocate new ones, release the rest afterwards.
    const prevPorts = new Set([
      ...(needsNodePorts(prev) ? nodePortsOf(prev) : []),
      ...(prev.healthCheckNodePort ? [prev.healthCheckNodePort] : []),
    ]);
    const held = new Set<number>();
    if (needsNodePorts(s)) {
      for (const p of asArray(s.ports)) if (p?.nodePort && prevPorts.has(p.nodePort)) held.add(p.nodePort);
      allocateNodePorts(s, alloc, held);
    }
    if (needsHealthCheckPort(s)) {
      if (s.healthCheckNodePort && prevPorts.has(s.healthCheckNodePort)) held.add(s.healthCheckNodePort);
      else alloc.healthCheckPort(s);
      held.add(s.healthCheckNodePort);
    }
    if (needsClusterIP(prev) && !needsClusterIP(s)) for (const ip of prevIPs) ctx.ipam.releaseClusterIP(ip);
    for (const port of prevPorts) if (!held.has(port)) ctx.ipam.releaseNodePort(port);
  },

  afterDelete(obj, ctx) {
    const s = obj.spec ?? {};
    for (const ip of new Set([...asArray(s.clusterIPs), s.clusterIP]))
      if (typeof ip === 'string' && ip && ip !== 'None') ctx.ipam.releaseClusterIP(ip);
    for (const port of nodePortsOf(s)) ctx.ipam.releaseNodePort(port);
    if (s.healthCheckNodePort) ctx.ipam.releaseNodePort(s.healthCheckNodePort);
  },
};
