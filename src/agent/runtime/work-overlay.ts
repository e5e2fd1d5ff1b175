/**
 * Read-your-writes over informer caches: after the agent writes an object, the server's answer is
 * kept until the informer has caught up with it, so a reconcile that runs before the watch event
 * arrives does not decide (and write) from the older copy.
 */
import type { KObject } from '../../api/meta.js';

const rvOf = (o: KObject | undefined): bigint | undefined => {
  const rv = o?.metadata?.resourceVersion;
  return rv && /^\d+$/.test(rv) ? BigInt(rv) : undefined;
};

/**
 * True when `cached` is provably older than `written`. resourceVersions are opaque to clients, but
 * both the embedded spaces and etcd-backed servers hand out increasing integers; when either one is
 * not an integer the cache is trusted.
 */
export function isOlder(cached: KObject, written: KObject): boolean {
  const a = rvOf(cached);
  const b = rvOf(written);
  return a !== undefined && b !== undefined && a < b;
}

export class WriteOverlay<T extends KObject = KObject> {
  private readonly written = new Map<string, T>();

  /** Remembers the server's answer to a write. */
  note(key: string, obj: T | undefined): void {
    if (obj?.metadata?.resourceVersion) this.written.set(key, obj);
  }

  /** The fresher of the cached object and the last write; drops the write once the cache has it. */
  pick(key: string, cached: T | undefined): T | undefined {
    const w = this.written.get(key);
    if (!w) return cached;
    if (cached && !isOlder(cached, w)) {
      this.written.delete(key);
      return cached;
    }
    return w;
  }

  /** An informer event for `key`: the write is obsolete once the cache has caught up with it. */
  seen(key: string, obj: KObject): void {
    const w = this.written.get(key);
    if (w && !isOlder(obj, w)) this.written.delete(key);
  }

  forget(key: string): void {
    this.written.delete(key);
  }
}
