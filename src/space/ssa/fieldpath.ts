/**
 * Field paths and field sets, the vocabulary of server-side apply (apiserver-compat.md §7.1).
 *
 * A path is a list of elements, each one of
 *   `f:<name>`  a struct field or a map key,
 *   `k:<json>`  a list-map element, named by its key fields (a JSON object, fields sorted by name),
 *   `v:<json>`  a set element, named by its value,
 *   `i:<n>`     an index into a list (rare: only for lists SSA cannot key).
 * Paths are strings (elements joined by NUL) so a field set is a plain `Set<string>` and set
 * algebra stays cheap. A path in a set is a *member*: the field it names is owned. In FieldsV1,
 * a member that also has members below it is written with a `".": {}` entry.
 */
import { canonicalJson, isPlainObject } from '../schema/json.js';

export type PathElement = string;
export type Path = string;
export type FieldSet = Set<Path>;

export const ROOT: Path = '';
const SEP = '\u0000';

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const valueElement = (v: unknown): PathElement => `v:${canonicalJson(v)}`;
export const indexElement = (i: number): PathElement => `i:${i}`;
/** `k:` element from the key fields; their order does not matter. */
export const keyElement = (fields: Record<string, unknown>): PathElement => `k:${canonicalJson(fields)}`;

export const child = (path: Path, el: PathElement): Path => (path === ROOT ? el : `${path}${SEP}${el}`);
export const elementsOf = (path: Path): PathElement[] => (path === ROOT ? [] : path.split(SEP));
export const pathOf = (els: PathElement[]): Path => els.join(SEP);
export const lastElement = (path: Path): PathElement => path.slice(path.lastIndexOf(SEP) + 1);

/** True when `path` lies strictly below `ancestor`. */
export function isBelow(path: Path, ancestor: Path): boolean {
  return ancestor === ROOT ? path !== ROOT : path.startsWith(ancestor + SEP);
}

/** `path` and its ancestors, outermost first (the root excluded). */
export function pathChain(path: Path): Path[] {
  const out: Path[] = [];
  let cur = ROOT;
  for (const el of elementsOf(path)) out.push((cur = child(cur, el)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ordering, as structured-merge-diff sorts elements: fields, then keys, then values, then indexes.

const KIND_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function valueRank(v: unknown): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isPlainObject(v)) return 4;
  return 5; // null
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A total order over JSON values (numbers, strings, booleans, lists, maps, null). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return Math.sign(a - (b as number));
  if (typeof a === 'string') return cmpStr(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compareValues(a[i], bb[i]);
      if (c) return c;
    }
    return a.length - bb.length;
  }
  if (isPlainObject(a)) return compareFieldLists(a, b as Record<string, unknown>);
  return 0;
}

function compareFieldLists(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const c = cmpStr(ka[i], kb[i]) || compareValues(a[ka[i]], b[kb[i]]);
    if (c) return c;
  }
  return ka.length - kb.length;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function compareElements(a: PathElement, b: PathElement): number {
  const ra = KIND_RANK[a[0]] ?? 4;
  const rb = KIND_RANK[b[0]] ?? 4;
  if (ra !== rb) return ra - rb;
  switch (a[0]) {
    case 'f':
      return cmpStr(a, b);
    case 'i':
      return Number(a.slice(2)) - Number(b.slice(2));
    default:
      return compareValues(parseJson(a.slice(2)), parseJson(b.slice(2))) || cmpStr(a, b);
  }
}

// ---------------------------------------------------------------------------------------------
// Human-readable paths, as upstream prints them in conflicts and errors.

/** A value the way upstream prints it inside a path: strings quoted, numbers and booleans bare. */
function printValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(printValue).join(',')}]`;
  if (isPlainObject(v))
    return Object.keys(v)
      .map((k) => `${k}=${printValue(v[k])}`)
      .join('');
  return String(v);
}

export function elementString(el: PathElement): string {
  const body = el.slice(2);
  switch (el[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const key = parseJson(body);
      if (!isPlainObject(key)) return `[${body}]`;
      return `[${Object.keys(key)
        .sort()
        .map((k) => `${k}=${printValue(key[k])}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${printValue(parseJson(body))}]`;
    default:
      return `[${body}]`;
  }
}

/** `.spec.template.spec.containers[name="nginx"].image` */
export function pathString(path: Path): string {
  return elementsOf(path).map(elementString).join('');
}

// ---------------------------------------------------------------------------------------------
// Trees: FieldsV1 encoding and ordered iteration.

interface Node {
  member: boolean;
  children: Map<PathElement, Node>;
}

const newNode = (): Node => ({ member: false, children: new Map() });

function treeOf(set: Iterable<Path>): Node {
  const root = newNode();
  for (const p of set) {
    let cur = root;
    for (const el of elementsOf(p)) {
      let next = cur.children.get(el);
      if (!next) cur.children.set(el, (next = newNode()));
      cur = next;
    }
    if (p !== ROOT) cur.member = true;
  }
  return root;
}

const sortedElements = (n: Node): PathElement[] => [...n.children.keys()].sort(compareElements);

/** FieldSet → the FieldsV1 JSON tree of a managedFields entry, in upstream's order. */
export function toFieldsV1(set: Iterable<Path>): Record<string, unknown> {
  const emit = (node: Node): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (node.member && node.children.size) out['.'] = {};
    for (const el of sortedElements(node)) {
      const c = node.children.get(el)!;
      out[el] = c.children.size ? emit(c) : {};
    }
    return out;
  };
  return emit(treeOf(set));
}

/** Normalises a FieldsV1 key so equal elements compare equal whatever the client wrote. */
function normaliseElement(key: string): PathElement | undefined {
  const kind = key.slice(0, 2);
  if (kind === 'f:') return key;
  if (kind === 'i:') return /^i:\d+$/.test(key) ? key : undefined;
  if (kind === 'k:' || kind === 'v:') {
    try {
      const v: unknown = JSON.parse(key.slice(2));
      if (kind === 'k:') return isPlainObject(v) ? keyElement(v) : undefined;
      return valueElement(v);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** FieldsV1 JSON tree → FieldSet. Unknown element kinds are ignored. */
export function fromFieldsV1(tree: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (node: Record<string, unknown>, path: Path) => {
    for (const [k, v] of Object.entries(node)) {
      if (k === '.') {
        if (path !== ROOT) out.add(path);
        continue;
      }
      const el = normaliseElement(k);
      if (el === undefined) continue;
      const p = child(path, el);
      if (isPlainObject(v) && Object.keys(v).length) walk(v, p);
      else out.add(p);
    }
  };
  if (isPlainObject(tree)) walk(tree, ROOT);
  return out;
}

/**
 * The members of `set` in upstream's iteration order: at each level the members first, then the
 * subtrees, each in element order. Conflict messages list fields in this order.
 */
export function orderedPaths(set: Iterable<Path>): Path[] {
  const out: Path[] = [];
  const walk = (node: Node, path: Path) => {
    const els = sortedElements(node);
    for (const el of els) if (node.children.get(el)!.member) out.push(child(path, el));
    for (const el of els) {
      const c = node.children.get(el)!;
      if (c.children.size) walk(c, child(path, el));
    }
  };
  walk(treeOf(set), ROOT);
  return out;
}

/** A prefix index over a set: which paths have members at or below them. */
export class SetIndex {
  private readonly root: Node;
  constructor(set: Iterable<Path>) {
    this.root = treeOf(set);
  }
  private find(path: Path): Node | undefined {
    let cur: Node | undefined = this.root;
    for (const el of elementsOf(path)) {
      cur = cur.children.get(el);
      if (!cur) return undefined;
    }
    return cur;
  }
  has(path: Path): boolean {
    return this.find(path)?.member ?? false;
  }
  /** Some member lies strictly below `path`. */
  hasBelow(path: Path): boolean {
    return (this.find(path)?.children.size ?? 0) > 0;
  }
}

export function union(...sets: Iterable<Path>[]): FieldSet {
  const out: FieldSet = new Set();
  for (const s of sets) for (const p of s) out.add(p);
  return out;
}

export function difference(a: Iterable<Path>, b: ReadonlySet<Path>): FieldSet {
  const out: FieldSet = new Set();
  for (const p of a) if (!b.has(p)) out.add(p);
  return out;
}

export function intersection(a: Iterable<Path>, b: ReadonlySet<Path>): FieldSet {
  const out: FieldSet = new Set();
  for (const p of a) if (b.has(p)) out.add(p);
  return out;
}
