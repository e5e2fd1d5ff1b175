/**
 * The JSONPath queries of `CustomTransform.spec.remove` (kubestellar-semantics.md §3.4) and their
 * removal from an object.
 *
 * Upstream implements only `$` followed by `.name` / `["name"]` segments. [IMPROVE] We implement
 * the RFC 9535 forms the CRD description promises, with the same meaning for the simple forms:
 * `['name']`, `[n]` / `[-n]` indices, `.*` / `[*]` wildcards, unions `[a,b]` and filters
 * `[?@.x == 'v']` (comparisons `== != < <= > >=`, existence tests, `&& || !` and parentheses,
 * singular relative paths `@.a.b[0]`). Not supported: descendant segments (`..`), slices,
 * absolute paths and functions inside filters. The space's kubectl JSONPath is not reused: its
 * dialect and result shape (values, not locations to delete) differ.
 */

export type Selector =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; expr: Expr };

export type Segment = Selector[];

type Operand = { kind: 'path'; path: Segment[] } | { kind: 'literal'; value: unknown };
export type Expr =
  | { kind: 'or' | 'and'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'exists'; path: Segment[] }
  | { kind: 'cmp'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand };

export class JsonPathSyntaxError extends Error {}

const isNameFirst = (c: number) =>
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f ||
  (c >= 0x80 && !(c >= 0xd800 && c <= 0xdfff));
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw new JsonPathSyntaxError(`${msg} at offset ${this.i} of ${JSON.stringify(this.s)}`);
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  eat(t: string): boolean {
    if (this.s.startsWith(t, this.i)) {
      this.i += t.length;
      return true;
    }
    return false;
  }
  expect(t: string): void {
    if (!this.eat(t))
      this.fail(
        this.i >= this.s.length
          ? `expected ${JSON.stringify(t)} but the query ended`
          : `expected ${JSON.stringify(t)}`,
      );
  }
  ws(): void {
    while (/[ \t\n\r]/.test(this.peek())) this.i++;
  }

  /** Segments after a root (`$` or `@`) identifier. */
  segments(inFilter: boolean): Segment[] {
    const out: Segment[] = [];
    for (;;) {
      if (this.s.startsWith('..', this.i)) this.fail('descendant segments (..) are not supported');
      if (this.eat('.')) {
        if (this.eat('*')) out.push([{ kind: 'wildcard' }]);
        else out.push([{ kind: 'name', name: this.name() }]);
      } else if (this.peek() === '[') {
        this.i++;
        out.push(this.bracket());
      } else if (inFilter || this.i >= this.s.length) {
        return out;
      } else {
        this.fail('unexpected character');
      }
    }
  }

  name(): string {
    const start = this.i;
    const first = this.s.codePointAt(this.i);
    if (first === undefined || !isNameFirst(first)) this.fail('expected a member name');
    while (this.i < this.s.length) {
      const c = this.s.codePointAt(this.i)!;
      if (!isNameFirst(c) && !isDigit(c)) break;
      this.i += c > 0xffff ? 2 : 1;
    }
    return this.s.slice(start, this.i);
  }

  bracket(): Segment {
    const sels: Selector[] = [];
    do {
      this.ws();
      sels.push(this.selector());
      this.ws();
    } while (this.eat(','));
    this.expect(']');
    return sels;
  }

  selector(): Selector {
    const c = this.peek();
    if (c === '"' || c === "'") return { kind: 'name', name: this.string() };
    if (c === '*') {
      this.i++;
      return { kind: 'wildcard' };
    }
    if (c === '?') {
      this.i++;
      this.ws();
      return { kind: 'filter', expr: this.or() };
    }
    if (c === '-' || isDigit(c.charCodeAt(0))) return { kind: 'index', index: this.int() };
    return this.fail(this.i >= this.s.length ? 'the query ended inside brackets' : 'expected a selector');
  }

  int(): number {
    const m = /^-?(0|[1-9][0-9]*)/.exec(this.s.slice(this.i));
    if (!m || m[0] === '-0') this.fail('expected an integer');
    this.i += m[0].length;
    return Number(m[0]);
  }

  /** A quoted string with JavaScript escapes. */
  string(): string {
    const q = this.s[this.i++];
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const c = this.s[this.i++];
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      const simple: Record<string, string> = {
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '0': '\0',
      };
      if (e in simple && !(e === '0' && isDigit(this.s.charCodeAt(this.i)))) out += simple[e];
      else if (e === 'x') out += String.fromCharCode(this.hex(2));
      else if (e === 'u' && this.eat('{')) {
        const start = this.i;
        while (/[0-9a-fA-F]/.test(this.peek())) this.i++;
        const cp = parseInt(this.s.slice(start, this.i), 16);
        if (this.i === start || cp > 0x10ffff) this.fail('bad \\u{} escape');
        this.expect('}');
        out += String.fromCodePoint(cp);
      } else if (e === 'u') out += String.fromCharCode(this.hex(4));
      else if (e === undefined) this.fail('unterminated string');
      else if (/[0-9]/.test(e)) this.fail('octal escapes are not allowed');
      else if (e === '\n' || e === '\u2028' || e === '\u2029')
        continue; // line continuation
      else out += e; // identity escape: \" \' \\ \/ …
    }
  }

  hex(n: number): number {
    const h = this.s.slice(this.i, this.i + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) this.fail('bad hex escape');
    this.i += n;
    return parseInt(h, 16);
  }

  // ---- filter expressions ----

  or(): Expr {
    let left = this.and();
    while ((this.ws(), this.eat('||'))) left = { kind: 'or', left, right: (this.ws(), this.and()) };
    return left;
  }
  and(): Expr {
    let left = this.unary();
    while ((this.ws(), this.eat('&&'))) left = { kind: 'and', left, right: (this.ws(), this.unary()) };
    return left;
  }
  unary(): Expr {
    this.ws();
    if (this.eat('!')) return { kind: 'not', expr: this.unary() };
    if (this.eat('(')) {
      const e = this.or();
      this.ws();
      this.expect(')');
      return e;
    }
    const left = this.operand();
    this.ws();
    const op = (['==', '!=', '<=', '>=', '<', '>'] as const).find((o) => this.eat(o));
    if (!op) {
      if (left.kind !== 'path') this.fail('a literal alone is not a test');
      return { kind: 'exists', path: left.path };
    }
    this.ws();
    return { kind: 'cmp', op, left, right: this.operand() };
  }
  operand(): Operand {
    const c = this.peek();
    if (c === '@') {
      this.i++;
      const path = this.segments(true);
      if (path.some((seg) => seg.length !== 1 || (seg[0].kind !== 'name' && seg[0].kind !== 'index')))
        this.fail('filter paths must be singular (names and indices only)');
      return { kind: 'path', path };
    }
    if (c === '"' || c === "'") return { kind: 'literal', value: this.string() };
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const)
      if (this.eat(word)) return { kind: 'literal', value };
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return { kind: 'literal', value: Number(m[0]) };
    }
    return this.fail('expected @, a string, a number, true, false or null');
  }
}

/**
 * Parses a query. Returns its segments; an empty list means the query is `$`, the whole object,
 * which the caller must reject. Throws JsonPathSyntaxError on syntax errors.
 */
export function parseRemovePath(query: string): Segment[] {
  const p = new Parser(query);
  if (!p.eat('$')) p.fail('a query must start with "$"');
  return p.segments(false);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A selected location: the container and the key or index inside it. */
interface Loc {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

function children(v: unknown): Loc[] {
  if (Array.isArray(v)) return v.map((_, i) => ({ parent: v, key: i }));
  if (isObj(v)) return Object.keys(v).map((k) => ({ parent: v, key: k }));
  return [];
}

const valueAt = (l: Loc): unknown => (l.parent as any)[l.key];

function select(v: unknown, sel: Selector): Loc[] {
  switch (sel.kind) {
    case 'name':
      return isObj(v) && Object.hasOwn(v, sel.name) ? [{ parent: v, key: sel.name }] : [];
    case 'index': {
      if (!Array.isArray(v)) return [];
      const i = sel.index < 0 ? v.length + sel.index : sel.index;
      return i >= 0 && i < v.length ? [{ parent: v, key: i }] : [];
    }
    case 'wildcard':
      return children(v);
    case 'filter':
      return children(v).filter((l) => test(sel.expr, valueAt(l)));
  }
}

const NOTHING = Symbol('nothing');

function singular(v: unknown, path: Segment[]): unknown {
  let cur: unknown = v;
  for (const seg of path) {
    const hit = select(cur, seg[0]);
    if (!hit.length) return NOTHING;
    cur = valueAt(hit[0]);
  }
  return cur;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
  }
  // RFC 9535: ordering only between two numbers or two strings; anything else is false.
  const ordered =
    (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!ordered) return op.includes('=') && deepEqual(a, b);
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function test(e: Expr, cur: unknown): boolean {
  switch (e.kind) {
    case 'or':
      return test(e.left, cur) || test(e.right, cur);
    case 'and':
      return test(e.left, cur) && test(e.right, cur);
    case 'not':
      return !test(e.expr, cur);
    case 'exists':
      return singular(cur, e.path) !== NOTHING;
    case 'cmp': {
      const val = (o: Operand) => (o.kind === 'literal' ? o.value : singular(cur, o.path));
      return compare(e.op, val(e.left), val(e.right));
    }
  }
}

/** Deletes, in place, everything the parsed query selects. Returns how many values were removed. */
export function removeAt(root: unknown, segments: Segment[]): number {
  if (!segments.length) return 0;
  let nodes: Loc[] = [{ parent: [root], key: 0 }];
  for (const seg of segments) {
    const next: Loc[] = [];
    for (const n of nodes) for (const sel of seg) next.push(...select(valueAt(n), sel));
    nodes = next;
  }
  // Several selectors may hit one location; array indices go last-first so earlier ones stay valid.
  const byParent = new Map<object, Set<string | number>>();
  for (const n of nodes) {
    let keys = byParent.get(n.parent);
    if (!keys) byParent.set(n.parent, (keys = new Set()));
    keys.add(n.key);
  }
  let removed = 0;
  for (const [parent, keys] of byParent) {
    if (Array.isArray(parent)) {
      for (const i of [...keys].map(Number).sort((a, b) => b - a)) parent.splice(i, 1);
    } else {
      for (const k of keys) delete (parent as Record<string, unknown>)[k as string];
    }
    removed += keys.size;
  }
  return removed;
}
