/**
 * In-memory mirror of the `current` table: every live key with its latest value, plus the keys
 * in sorted order. Reads at the current revision (get, list, count) are served from here, which
 * is ~30x faster than reading 10k rows of JSON text back out of SQLite (measured: ~1 ms against
 * ~35 ms for a 10k x 1 KB LIST), at the cost of holding the live objects' JSON in memory (as
 * kube-apiserver's watch cache does). Changes are recorded in an undo log so the savepoint and
 * batch rollbacks of the SQL transaction can be mirrored exactly.
 */

export interface Entry {
  readonly rev: number;
  readonly createRev: number;
  readonly raw: string;
}

/**
 * Order of keys by Unicode code point, which is SQLite's BINARY (UTF-8 byte) order. JS `<`
 * compares UTF-16 code units, which differs for surrogate pairs against U+E000..U+FFFF; the
 * index and the SQL history reads must agree or paging across them would skip or repeat keys.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x < 0xe000 ? x + 0x2000 : x - 0x800;
        y = y < 0xe000 ? y + 0x2000 : y - 0x800;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

interface Undo {
  key: string;
  prev: Entry | undefined;
}

export class CurrentIndex {
  private readonly map = new Map<string, Entry>();
  private readonly keys: string[] = [];
  private undo: Undo[] = [];

  get size(): number {
    return this.keys.length;
  }

  /** Bulk load at start-up; `rows` must be sorted by key (SQLite ORDER BY key does that). */
  load(rows: Iterable<[string, Entry]>): void {
    for (const [key, entry] of rows) {
      this.map.set(key, entry);
      this.keys.push(key);
    }
  }

  get(key: string): Entry | undefined {
    return this.map.get(key);
  }

  set(key: string, entry: Entry): void {
    const prev = this.map.get(key);
    this.undo.push({ key, prev });
    this.apply(key, prev, entry);
  }

  delete(key: string): void {
    const prev = this.map.get(key);
    if (prev === undefined) return;
    this.undo.push({ key, prev });
    this.apply(key, prev, undefined);
  }

  /** Position in the undo log, for rollbackTo. */
  mark(): number {
    return this.undo.length;
  }

  /** Revert every change made since `mark`. */
  rollbackTo(mark: number): void {
    while (this.undo.length > mark) {
      const { key, prev } = this.undo.pop()!;
      this.apply(key, this.map.get(key), prev);
    }
  }

  /** The changes are committed: drop the undo log. */
  forget(): void {
    this.undo = [];
  }

  /** Index range [lo, hi) of the keys under `prefix` that sort strictly after `startAfter`. */
  range(prefix: string, startAfter?: string): { lo: number; hi: number } {
    let lo = this.lowerBound(prefix, false);
    if (startAfter !== undefined) lo = Math.max(lo, this.lowerBound(startAfter, true));
    // Keys under a prefix are contiguous from lowerBound(prefix): find the first one outside.
    let hi = this.keys.length;
    let a = lo;
    while (a < hi) {
      const mid = (a + hi) >>> 1;
      if (this.keys[mid].startsWith(prefix)) a = mid + 1;
      else hi = mid;
    }
    return { lo, hi: Math.max(lo, hi) };
  }

  keyAt(i: number): string {
    return this.keys[i];
  }

  count(prefix: string): number {
    const { lo, hi } = this.range(prefix);
    return hi - lo;
  }

  /** First index whose key is >= `key` (or > `key` when `strict`). */
  private lowerBound(key: string, strict: boolean): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(this.keys[mid], key);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private apply(key: string, before: Entry | undefined, after: Entry | undefined): void {
    if (after === undefined) {
      if (before === undefined) return;
      this.map.delete(key);
      this.keys.splice(this.lowerBound(key, false), 1);
    } else {
      this.map.set(key, after);
      if (before === undefined) this.keys.splice(this.lowerBound(key, false), 0, key);
    }
  }
}
