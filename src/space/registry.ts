import type { ResourceDef } from './types.js';

/**
 * The resource table: every served (group, version, resource). Built-ins are registered at
 * start-up; CRDs add and remove rows while the server runs. Listeners let discovery, OpenAPI
 * and the router caches follow changes at once.
 */
export class Registry {
  private byGVR = new Map<string, ResourceDef>();
  /** Group name -> versions in preference order. */
  private groupVersions = new Map<string, string[]>();
  /** Groups in discovery order: built-ins first, CRD groups after. */
  private groupOrder: string[] = [];
  private listeners = new Set<() => void>();
  /** Increments on every change; used as a cache key. */
  generation = 0;

  add(def: ResourceDef): void {
    this.byGVR.set(gvrKey(def.group, def.version, def.resource), def);
    if (!this.groupVersions.has(def.group)) {
      this.groupVersions.set(def.group, []);
      this.groupOrder.push(def.group);
    }
    const versions = this.groupVersions.get(def.group)!;
    if (!versions.includes(def.version)) {
      versions.push(def.version);
      if (def.crd) versions.sort(compareKubeVersions);
    }
    this.changed();
  }

  /** Replace every row that belongs to one CRD (all its versions) in one step. */
  replaceCrd(crdName: string, defs: ResourceDef[]): void {
    for (const [k, d] of this.byGVR) if (d.crd?.name === crdName) this.byGVR.delete(k);
    this.rebuildGroups();
    for (const d of defs) {
      this.byGVR.set(gvrKey(d.group, d.version, d.resource), d);
    }
    this.rebuildGroups();
    this.changed();
  }

  private rebuildGroups(): void {
    const order: string[] = [];
    const gv = new Map<string, string[]>();
    for (const d of this.byGVR.values()) {
      if (!gv.has(d.group)) {
        gv.set(d.group, []);
        order.push(d.group);
      }
      const vs = gv.get(d.group)!;
      if (!vs.includes(d.version)) vs.push(d.version);
    }
    // Keep the built-in order stable; CRD groups follow in first-seen order.
    const known = this.groupOrder.filter((g) => gv.has(g));
    for (const g of order) if (!known.includes(g)) known.push(g);
    for (const [g, vs] of gv) {
      const hasCrd = [...this.byGVR.values()].some((d) => d.group === g && d.crd);
      if (hasCrd) vs.sort(compareKubeVersions);
    }
    this.groupOrder = known;
    this.groupVersions = gv;
  }

  get(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.byGVR.get(gvrKey(group, version, resource));
  }

  /** Look a kind up within one group/version. */
  byKind(group: string, version: string, kind: string): ResourceDef | undefined {
    for (const d of this.byGVR.values())
      if (d.group === group && d.version === version && d.kind === kind) return d;
    return undefined;
  }

  groups(): string[] {
    return [...this.groupOrder];
  }

  versions(group: string): string[] {
    return [...(this.groupVersions.get(group) ?? [])];
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groupVersions.get(group)?.includes(version) ?? false;
  }

  resources(group: string, version: string): ResourceDef[] {
    return [...this.byGVR.values()].filter((d) => d.group === group && d.version === version);
  }

  all(): ResourceDef[] {
    return [...this.byGVR.values()];
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.generation++;
    for (const fn of this.listeners) fn();
  }
}

function gvrKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/**
 * Kubernetes version priority: GA > beta > alpha, higher numbers first; non-Kubernetes
 * version strings sort last, alphabetically. Returns < 0 when `a` is preferred.
 */
export function compareKubeVersions(a: string, b: string): number {
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (pa && pb) {
    if (pa.stage !== pb.stage) return pb.stage - pa.stage;
    if (pa.major !== pb.major) return pb.major - pa.major;
    return pb.minor - pa.minor;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseKubeVersion(v: string): { major: number; stage: number; minor: number } | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return { major: Number(m[1]), stage, minor: m[3] ? Number(m[3]) : 0 };
}
