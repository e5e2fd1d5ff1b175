/**
 * Label and field selectors (apiserver-compat.md §8.4, §8.5), parsed and matched the way
 * k8s.io/apimachinery `labels` and `fields` do, including their error messages (the server answers
 * a bad selector with 400 and the parser's message).
 */
import { labelValueErrors, qualifiedNameErrors } from './meta-validation.js';

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

// ---------------------------------------------------------------------------------------------
// Label selectors

/** upstream `selection.Operator` values. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/**
 * Requirements ANDed together, sorted by key. No requirements selects everything; `selectsNothing`
 * is the nil `metav1.LabelSelector`, which matches no object at all.
 */
export interface LabelSelector {
  requirements: LabelRequirement[];
  selectsNothing: boolean;
}

type Tok = 'id' | 'in' | 'notin' | '!' | '!=' | '(' | ')' | ',' | '=' | '==' | '>' | '<' | 'eos' | 'error';
interface Token {
  tok: Tok;
  lit: string;
}

const SYMBOLS: Record<string, Tok> = {
  '!': '!',
  '!=': '!=',
  '(': '(',
  ')': ')',
  ',': ',',
  '=': '=',
  '==': '==',
  '>': '>',
  '<': '<',
};
const isSpecial = (c: string) => '=!(),><'.includes(c);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** The upstream lexer: whitespace separates, symbols take the longest match, the rest are words. */
function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (isSpace(c)) {
      i++;
    } else if (isSpecial(c)) {
      let buf = '';
      let last: Token | undefined;
      while (i < s.length && isSpecial(s[i])) {
        const next = buf + s[i];
        if (SYMBOLS[next]) {
          buf = next;
          last = { tok: SYMBOLS[next], lit: next };
          i++;
        } else if (last) {
          break;
        } else {
          buf = next;
          i++;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
      if (!last) return out;
    } else {
      let j = i;
      while (j < s.length && !isSpace(s[j]) && !isSpecial(s[j])) j++;
      const word = s.slice(i, j);
      out.push({ tok: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', lit: word });
      i = j;
    }
  }
  out.push({ tok: 'eos', lit: '' });
  return out;
}

/** Recursive-descent parser over the token list, with upstream's two lookup contexts. */
class LabelParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  /** In the Values context the words `in` and `notin` are plain identifiers. */
  private peek(values: boolean): Token {
    const t = this.tokens[Math.min(this.pos, this.tokens.length - 1)];
    return values && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id', lit: t.lit } : t;
  }
  private take(values: boolean): Token {
    const t = this.peek(values);
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!')
        throw new SelectorParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof SelectorParseError)
          throw new SelectorParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.take(true);
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',')
        throw new SelectorParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const next = this.peek(true);
      if (next.tok !== 'id' && next.tok !== '!') {
        throw new SelectorParseError(`found '${next.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let negated = false;
    let t = this.take(true);
    if (t.tok === '!') {
      negated = true;
      t = this.take(true);
    }
    if (t.tok !== 'id') throw new SelectorParseError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    checkKey(key);
    const next = this.peek(true).tok;
    if (negated || next === 'eos' || next === ',') return newRequirement(key, negated ? '!' : 'exists', []);

    const op = this.take(false);
    switch (op.tok) {
      case 'in':
      case 'notin':
        return newRequirement(key, op.tok, this.valueSet());
      case '=':
      case '==':
      case '!=':
        return newRequirement(key, op.tok, [this.exactValue()]);
      case '>':
      case '<':
        return newRequirement(key, op.tok === '>' ? 'gt' : 'lt', [this.exactValue()]);
      default:
        throw new SelectorParseError(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  /** `(a,b,…)`; empty members are empty-string values, as upstream reads `(,a)` and `()`. */
  private valueSet(): string[] {
    const open = this.take(true);
    if (open.tok !== '(') throw new SelectorParseError(`found '${open.lit}' expected: '('`);
    const first = this.peek(true);
    if (first.tok === ')') {
      this.take(true);
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',') {
      throw new SelectorParseError(`found '${first.lit}', expected: ',', ')' or identifier`);
    }
    const values = new Set<string>();
    for (;;) {
      const t = this.take(true);
      if (t.tok === 'id') {
        values.add(t.lit);
        const sep = this.peek(true);
        if (sep.tok === ')') break;
        if (sep.tok !== ',') throw new SelectorParseError(`found '${sep.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        if (values.size === 0) values.add('');
        const n = this.peek(true);
        if (n.tok === ')') {
          values.add('');
          break;
        }
        if (n.tok === ',') {
          this.take(true);
          values.add('');
        }
      } else {
        throw new SelectorParseError(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    const close = this.take(true);
    if (close.tok !== ')') throw new SelectorParseError(`found '${close.lit}', expected: ')'`);
    return [...values].sort();
  }

  private exactValue(): string {
    const next = this.peek(true);
    if (next.tok === 'eos' || next.tok === ',') return '';
    const t = this.take(true);
    if (t.tok !== 'id') throw new SelectorParseError(`found '${t.lit}', expected: identifier`);
    return t.lit;
  }
}

function checkKey(key: string): void {
  const errs = qualifiedNameErrors(key);
  if (errs.length)
    throw new SelectorParseError(`key: Invalid value: ${JSON.stringify(key)}: ${errs.join('; ')}`);
}

/** upstream `labels.NewRequirement`: operator arity and label syntax. */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs: string[] = [];
  const keyErrs = qualifiedNameErrors(key);
  if (keyErrs.length) errs.push(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  // Go's %#v of a []string, as upstream's field errors print it.
  const shown = () =>
    values.length ? `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)';
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0)
        errs.push(
          `values: Invalid value: ${shown()}: for 'in', 'notin' operators, values set can't be empty`,
        );
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1)
        errs.push(`values: Invalid value: ${shown()}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0)
        errs.push(
          `values: Invalid value: ${shown()}: values set must be empty for exists and does not exist`,
        );
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(
          `values: Invalid value: ${shown()}: for 'Gt', 'Lt' operators, exactly one value is required`,
        );
      } else if (!/^[-+]?[0-9]+$/.test(values[0])) {
        errs.push(
          `values[0]: Invalid value: ${JSON.stringify(values[0])}: for 'Gt', 'Lt' operators, the value must be an integer`,
        );
      }
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length)
      errs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${valueErrs.join('; ')}`);
  });
  if (errs.length) throw new SelectorParseError(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
  return { key, operator, values };
}

function sortedByKey(reqs: LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Parses `a=b,c!=d,e in (f,g),!h` (the `labelSelector` query parameter). Empty selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  return { requirements: sortedByKey(new LabelParser(lex(s)).parse()), selectsNothing: false };
}

/** Whether `labels` satisfies every requirement. `!=` and `notin` hold when the key is absent. */
export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.selectsNothing) return false;
  const ls = labels ?? {};
  for (const r of sel.requirements) if (!matchesRequirement(r, ls)) return false;
  return true;
}

function matchesRequirement(r: LabelRequirement, ls: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(ls, r.key);
  const v = has ? ls[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(v as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(v as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^[-+]?[0-9]+$/.test(v as string)) return false;
      const [a, b] = [BigInt(v as string), BigInt(r.values[0])];
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** A metav1.LabelSelector (`spec.selector` of workloads). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * upstream `metav1.LabelSelectorAsSelector`: a missing selector selects nothing, an empty one
 * everything; matchLabels become `=` requirements.
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | undefined | null): LabelSelector {
  if (sel === undefined || sel === null) return { requirements: [], selectsNothing: true };
  if (typeof sel !== 'object' || Array.isArray(sel))
    throw new SelectorParseError('a label selector must be an object');
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (typeof v !== 'string') throw new SelectorParseError(`matchLabels[${k}]: the value must be a string`);
    reqs.push(newRequirement(k, '=', [v]));
  }
  for (const expr of sel.matchExpressions ?? []) {
    if (typeof expr !== 'object' || expr === null || typeof expr.key !== 'string') {
      throw new SelectorParseError('a match expression needs a key');
    }
    const op = Object.prototype.hasOwnProperty.call(EXPRESSION_OPERATORS, expr.operator)
      ? EXPRESSION_OPERATORS[expr.operator]
      : undefined;
    if (!op)
      throw new SelectorParseError(
        `${JSON.stringify(expr.operator ?? '')} is not a valid label selector operator`,
      );
    const values = expr.values ?? [];
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      throw new SelectorParseError(`values of ${JSON.stringify(expr.key)}: must be a list of strings`);
    }
    reqs.push(newRequirement(expr.key, op, [...values]));
  }
  return { requirements: sortedByKey(reqs), selectsNothing: false };
}

/**
 * The canonical text form upstream prints (`Selector.String()`): requirements by key, set values
 * sorted, e.g. `app=web,tier in (be,fe)`. Used for a Scale's `status.selector`.
 */
export function labelSelectorToString(sel: LabelSelector): string {
  if (sel.selectsNothing) return '';
  return sortedByKey(sel.requirements).map(requirementToString).join(',');
}

function requirementToString(r: LabelRequirement): string {
  const values = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${values})`;
    case 'notin':
      return `${r.key} notin (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Field selectors

export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  /** Unescaped value. */
  value: string;
}

/**
 * Parses `metadata.name=web,status.phase!=Running`. Terms split on unescaped commas; in values,
 * `\,` `\=` and `\\` are escapes and a bare `,` or `=` is an error (upstream `fields.ParseSelector`).
 */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term === '') continue;
    const at = findOperator(term);
    if (!at) throw new SelectorParseError(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push({
      field: term.slice(0, at.index),
      operator: at.op,
      value: unescapeFieldValue(term.slice(at.index + at.op.length)),
    });
  }
  return reqs;
}

function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

/** The first operator from the left; at one position `!=` and `==` win over `=`. */
function findOperator(term: string): { index: number; op: FieldRequirement['operator'] } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) if (term.startsWith(op, i)) return { index: i, op };
  }
  return undefined;
}

function unescapeFieldValue(v: string): string {
  let out = '';
  let escaped = false;
  for (const c of v) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Whether an object satisfies every requirement; `get` returns a field's value, a missing one counts as ''. */
export function matchesFields(reqs: FieldRequirement[], get: (field: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.field) ?? '';
    if ((r.operator === '!=') === (v === r.value)) return false;
  }
  return true;
}
