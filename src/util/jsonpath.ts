/**
 * The JSONPath subset that CRD `additionalPrinterColumns`, `selectableFields`, scale paths and
 * kubectl-style column specs use: `.a.b`, `.a[0]`, `.a[-1]`, `.a[1:3]`, `.a[*]`, `.a.*`,
 * `.a['x.y']`, `.a[?(@.type=="Ready")].status` (also `!=`, `<`, `<=`, `>`, `>=` and bare `@.x`
 * for existence), optionally wrapped in `{…}` and optionally rooted at `$`.
 *
 * Evaluation never throws: a missing field, an index out of range or a type mismatch yields no
 * result, which a table printer shows as an empty cell.
 */
import { hasOwn, isPlainObject, jsonEqual } from './json.js';

export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
}

type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

type Operand = { kind: 'path'; steps: Step[] } | { kind: 'literal'; value: unknown };

type Step =
  | { kind: 'field'; names: string[] }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start?: number; end?: number; step: number }
  | { kind: 'filter'; left: Operand; op?: CompareOp; right?: Operand };

export type CompiledJsonPath = (obj: unknown) => unknown[];

/** Parses `path` once; the returned function evaluates it against any object. */
export function compileJsonPath(path: string): CompiledJsonPath {
  const steps = new PathParser(path).parse();
  return (obj) => evalSteps([obj], steps);
}

const cache = new Map<string, CompiledJsonPath>();
const CACHE_LIMIT = 512;

/** Every value `path` selects in `obj`, in document order. Throws JsonPathError on bad syntax. */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  let fn = cache.get(path);
  if (!fn) {
    fn = compileJsonPath(path);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(path, fn);
  }
  return fn(obj);
}

// ---------------------------------------------------------------------------------------------
// Parsing

const NAME_STOP = new Set([...'.[](){}=!<>,\'"@$*?|&', ' ', '\t', '\n', '\r']);

class PathParser {
  private s = '';
  private pos = 0;

  constructor(private readonly path: string) {}

  parse(): Step[] {
    let s = this.path.trim();
    if (s.startsWith('{')) {
      if (!s.endsWith('}')) throw this.error('unclosed {');
      s = s.slice(1, -1).trim();
    }
    if (s.includes('{') || s.includes('}')) throw this.error('only a single {…} expression is supported');
    if (s === '') throw this.error('empty expression');
    this.s = s;
    if (this.peek() === '$') this.pos++;
    if (this.s === '.' || (this.s === '$' && this.pos === 1)) return [];
    // `spec.replicas` is read as `.spec.replicas`, as kubectl's custom columns do.
    if (this.pos === 0 && !NAME_STOP.has(this.peek() ?? '.')) return [this.field(), ...this.steps(false)];
    return this.steps(false);
  }

  private error(msg: string): JsonPathError {
    return new JsonPathError(`invalid JSONPath ${JSON.stringify(this.path)}: ${msg}`);
  }

  private peek(offset = 0): string | undefined {
    return this.s[this.pos + offset];
  }

  private skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.peek() !== c) throw this.error(`expected '${c}' at ${this.pos}, found ${this.describe()}`);
    this.pos++;
  }

  private describe(): string {
    const c = this.peek();
    return c === undefined ? 'end of expression' : `'${c}'`;
  }

  /** Steps until the end, or (inside a filter) until an operator or `)`. */
  private steps(inFilter: boolean): Step[] {
    const out: Step[] = [];
    while (this.pos < this.s.length) {
      const c = this.peek()!;
      if (c === '.') {
        this.pos++;
        if (this.peek() === '.') throw this.error('recursive descent (..) is not supported');
        if (this.peek() === '*') {
          this.pos++;
          out.push({ kind: 'wildcard' });
        } else {
          out.push(this.field());
        }
      } else if (c === '[') {
        out.push(this.bracket());
      } else if (inFilter) {
        break;
      } else {
        throw this.error(`unexpected ${this.describe()} at ${this.pos}`);
      }
    }
    return out;
  }

  /** A dotted name; `\.` keeps a dot inside it (`.metadata.annotations.a\.b/c`). */
  private field(): Step {
    let name = '';
    while (this.pos < this.s.length) {
      const c = this.peek()!;
      if (c === '\\' && this.peek(1) !== undefined) {
        name += this.peek(1);
        this.pos += 2;
      } else if (NAME_STOP.has(c)) {
        break;
      } else {
        name += c;
        this.pos++;
      }
    }
    if (name === '') throw this.error(`expected a field name at ${this.pos}, found ${this.describe()}`);
    return { kind: 'field', names: [name] };
  }

  private bracket(): Step {
    this.pos++; // [
    this.skipSpace();
    const c = this.peek();
    let step: Step;
    if (c === '?') {
      this.pos++;
      step = this.filter();
    } else if (c === '*') {
      this.pos++;
      step = { kind: 'wildcard' };
    } else if (c === "'" || c === '"') {
      const names = [this.quoted()];
      this.skipSpace();
      while (this.peek() === ',') {
        this.pos++;
        this.skipSpace();
        names.push(this.quoted());
        this.skipSpace();
      }
      step = { kind: 'field', names };
    } else {
      const end = this.s.indexOf(']', this.pos);
      if (end < 0) throw this.error('unclosed [');
      const body = this.s.slice(this.pos, end).replace(/\s+/g, '');
      this.pos = end;
      const parsed = indexOrSlice(body);
      if (!parsed) throw this.error(`invalid array index or slice [${body}]`);
      step = parsed;
    }
    this.expect(']');
    return step;
  }

  private filter(): Step {
    this.expect('(');
    this.skipSpace();
    const left = this.operand();
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
      if (left.kind !== 'path') throw this.error('an existence filter needs an @ path');
      return { kind: 'filter', left };
    }
    const op = this.operator();
    this.skipSpace();
    const right = this.operand();
    this.expect(')');
    return { kind: 'filter', left, op, right };
  }

  private operator(): CompareOp {
    for (const op of ['==', '!=', '<=', '>=', '<', '>'] as const) {
      if (this.s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    throw this.error(`expected a comparison operator at ${this.pos}, found ${this.describe()}`);
  }

  private operand(): Operand {
    const c = this.peek();
    if (c === '@') {
      this.pos++;
      return { kind: 'path', steps: this.steps(true) };
    }
    if (c === "'" || c === '"') return { kind: 'literal', value: this.quoted() };
    const rest = this.s.slice(this.pos);
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return { kind: 'literal', value: Number(num[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest[word.length] ?? '')) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    throw this.error(`expected @, a string or a number at ${this.pos}, found ${this.describe()}`);
  }

  private quoted(): string {
    const q = this.peek();
    if (q !== "'" && q !== '"')
      throw this.error(`expected a quoted name at ${this.pos}, found ${this.describe()}`);
    this.pos++;
    let out = '';
    while (this.pos < this.s.length && this.peek() !== q) {
      if (this.peek() === '\\' && this.peek(1) !== undefined) this.pos++;
      out += this.peek();
      this.pos++;
    }
    if (this.peek() !== q) throw this.error('unterminated string');
    this.pos++;
    return out;
  }
}

function indexOrSlice(body: string): Step | undefined {
  if (/^-?\d+$/.test(body)) return { kind: 'index', index: Number(body) };
  const m = /^(-?\d+)?:(-?\d+)?(?::(\d+)?)?$/.exec(body);
  if (!m) return undefined;
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step === 0) return undefined;
  return {
    kind: 'slice',
    start: m[1] === undefined ? undefined : Number(m[1]),
    end: m[2] === undefined ? undefined : Number(m[2]),
    step,
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function evalSteps(values: unknown[], steps: Step[]): unknown[] {
  let cur = values;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) applyStep(v, step, next);
    cur = next;
    if (cur.length === 0) break;
  }
  return cur;
}

function applyStep(v: unknown, step: Step, out: unknown[]): void {
  switch (step.kind) {
    case 'field':
      if (isPlainObject(v)) for (const n of step.names) if (hasOwn(v, n)) out.push(v[n]);
      return;
    case 'wildcard':
      if (Array.isArray(v)) out.push(...v);
      else if (isPlainObject(v)) out.push(...Object.values(v));
      return;
    case 'index':
      if (Array.isArray(v)) {
        const i = step.index < 0 ? v.length + step.index : step.index;
        if (i >= 0 && i < v.length) out.push(v[i]);
      }
      return;
    case 'slice':
      if (Array.isArray(v)) {
        const clamp = (n: number) => Math.min(v.length, Math.max(0, n < 0 ? v.length + n : n));
        const end = step.end === undefined ? v.length : clamp(step.end);
        for (let i = step.start === undefined ? 0 : clamp(step.start); i < end; i += step.step)
          out.push(v[i]);
      }
      return;
    case 'filter':
      if (Array.isArray(v)) for (const el of v) if (holds(el, step)) out.push(el);
      return;
  }
}

function operandValues(el: unknown, o: Operand): unknown[] {
  return o.kind === 'literal' ? [o.value] : evalSteps([el], o.steps);
}

function holds(el: unknown, f: Extract<Step, { kind: 'filter' }>): boolean {
  const left = operandValues(el, f.left);
  if (!f.op || !f.right) return left.length > 0;
  const right = operandValues(el, f.right);
  // Like kubectl: an element without the compared field is never selected, not even by `!=`.
  if (left.length === 0 || right.length === 0) return false;
  return compare(left[0], f.op, right[0]);
}

function compare(a: unknown, op: CompareOp, b: unknown): boolean {
  if (op === '==') return jsonEqual(a, b);
  if (op === '!=') return !jsonEqual(a, b);
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  const bothStrings = typeof a === 'string' && typeof b === 'string';
  if (!bothNumbers && !bothStrings) return false;
  const x = a as number | string;
  const y = b as number | string;
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}
