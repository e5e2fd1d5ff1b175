/**
 * Keeps one informer per candidate workload resource of the WDS (kubestellar-semantics.md §2.1),
 * started and stopped as discovery changes (CRDs come and go), and feeds every object event to a
 * callback. As a cache Runnable it reports synced once the first discovery's informers have synced,
 * so controllers start from complete resolutions ([IMPROVE] §2.5 startup).
 */
import type { Logger } from 'pino';
import type { KObject } from '../../api/meta.js';
import { isCandidateResource } from '../binding/universe.js';
import { watchResources, type ApiResource } from '../../kube/discovery.js';
import type { DynamicClient, ResourceId } from '../../kube/dynamic.js';
import type { DynamicInformers } from '../runtime/dynamic-informers.js';
import { uncapped } from './uncapped.js';

export interface WorkloadEvents {
  upsert(res: ApiResource, obj: KObject): void;
  remove(res: ApiResource, obj: KObject): void;
}

export const resourceIdOf = (r: {
  group: string;
  version: string;
  resource: string;
  namespaced?: boolean;
}): ResourceId => ({
  group: r.group,
  version: r.version,
  resource: r.resource,
  namespaced: r.namespaced,
});

export class WorkloadWatcher {
  readonly needLeaderElection = false;
  /** Watched resources by `group/resource`. */
  private readonly watched = new Map<string, ApiResource>();
  private firstDiscovery!: () => void;
  private readonly discovered = new Promise<void>((r) => (this.firstDiscovery = r));

  constructor(
    private readonly o: {
      client: DynamicClient;
      informers: DynamicInformers;
      events: WorkloadEvents;
      log: Logger;
      debounceMs?: number;
    },
  ) {}

  /** Every watched resource, one (preferred) version per group/resource. */
  watchedResources(): ApiResource[] {
    return [...this.watched.values()];
  }

  /** The watched resource for a group/resource, if any. */
  resource(group: string, resource: string): ApiResource | undefined {
    return this.watched.get(`${group}/${resource}`);
  }

  async start(signal: AbortSignal): Promise<void> {
    await watchResources(this.o.client, signal, {
      debounceMs: this.o.debounceMs ?? 100,
      log: this.o.log,
      onChange: (c) => {
        const wanted = new Map(
          c.resources.filter((r) => isCandidateResource(r)).map((r) => [`${r.group}/${r.resource}`, r]),
        );
        for (const [key, old] of [...this.watched]) {
          const now = wanted.get(key);
          if (
            now &&
            now.version === old.version &&
            now.kind === old.kind &&
            now.namespaced === old.namespaced
          )
            continue;
          this.watched.delete(key);
          // A vanished resource means its objects are gone: handlers see deletions.
          void this.o.informers.remove(resourceIdOf(old), {}, { emitDeletes: true });
          this.o.log.info({ resource: key }, 'stopped watching workload resource');
        }
        for (const [key, r] of wanted) {
          if (this.watched.has(key)) continue;
          this.watched.set(key, r);
          const inf = this.o.informers.informerFor(resourceIdOf(r));
          inf.addEventHandler({
            onAdd: (obj) => this.watched.get(key) === r && this.o.events.upsert(r, obj),
            onUpdate: (_old, obj) => this.watched.get(key) === r && this.o.events.upsert(r, obj),
            onDelete: (obj) => this.o.events.remove(r, obj),
          });
          this.o.log.debug({ resource: key, version: r.version }, 'watching workload resource');
        }
        this.firstDiscovery();
      },
    });
  }

  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    await Promise.race([
      this.discovered,
      new Promise<void>((r) => signal?.addEventListener('abort', () => r(), { once: true })),
    ]);
    if (signal?.aborted) return false;
    const u = uncapped(signal);
    try {
      return await this.o.informers.waitForSync(u.signal);
    } finally {
      u.release();
    }
  }
}
