/**
 * metav1.LabelSelector compiled into a fast predicate, with upstream's conversion rules
 * (`LabelSelectorAsSelector`): keys must be qualified names, values label values, `In`/`NotIn`
 * need values and `Exists`/`DoesNotExist` must have none. `{}` matches everything.
 */
import type { LabelSelector } from '../../api/meta.js';

export type Labels = Readonly<Record<string, string>> | undefined;
export type LabelPredicate = (labels: Labels) => boolean;

export interface CompiledSelector {
  /** No matchLabels and no matchExpressions: matches every label set. */
  readonly empty: boolean;
  readonly matches: LabelPredicate;
  /** `key=value` every matching label set has (first matchLabels entry by key), for indexing. */
  readonly requiredLabel?: string;
  /** The same label as key and value. */
  readonly requiredPair?: { readonly key: string; readonly value: string };
}

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a qualified label key, or undefined when it is one. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix)))
    return `invalid label key ${JSON.stringify(key)}: prefix must be a DNS-1123 subdomain`;
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name))
    return `invalid label key ${JSON.stringify(key)}: name part must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric`;
  return undefined;
}

/** Why `value` is not a label value, or undefined when it is one. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !VALUE_RE.test(value))
    return `invalid label value ${JSON.stringify(value)}: must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric`;
  return undefined;
}

const EVERYTHING: CompiledSelector = { empty: true, matches: () => true };

/** True when the selector has neither matchLabels nor matchExpressions entries. */
export function isEmptySelector(sel: LabelSelector | null | undefined): boolean {
  if (!sel) return false;
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** Compiles `sel`, or returns the reason it cannot be converted. */
export function compileLabelSelector(
  sel: LabelSelector | null | undefined,
): CompiledSelector | { error: string } {
  if (sel === null || sel === undefined || typeof sel !== 'object')
    return { error: 'label selector must be an object' };
  if (isEmptySelector(sel)) return EVERYTHING;
  const tests: LabelPredicate[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    const problem =
      labelKeyProblem(k) ?? (typeof v === 'string' ? labelValueProblem(v) : 'label value must be a string');
    if (problem) return { error: problem };
    keys.push(k);
    values.push(v);
  }
  for (const expr of sel.matchExpressions ?? []) {
    const key = expr?.key;
    if (typeof key !== 'string') return { error: 'match expression needs a key' };
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) return { error: keyProblem };
    const values = expr.values ?? [];
    for (const v of values) {
      const problem = typeof v === 'string' ? labelValueProblem(v) : 'label value must be a string';
      if (problem) return { error: problem };
    }
    const set = new Set(values);
    switch (expr.operator) {
      case 'In':
        if (!set.size)
          return {
            error: `values for key ${JSON.stringify(key)}: for 'in', 'notin' operators, values set can't be empty`,
          };
        tests.push((l) => l !== undefined && Object.hasOwn(l, key) && set.has(l[key]));
        break;
      case 'NotIn':
        if (!set.size)
          return {
            error: `values for key ${JSON.stringify(key)}: for 'in', 'notin' operators, values set can't be empty`,
          };
        tests.push((l) => l === undefined || !Object.hasOwn(l, key) || !set.has(l[key]));
        break;
      case 'Exists':
        if (set.size)
          return {
            error: `values for key ${JSON.stringify(key)}: values set must be empty for exists and does not exist`,
          };
        tests.push((l) => l !== undefined && Object.hasOwn(l, key));
        break;
      case 'DoesNotExist':
        if (set.size)
          return {
            error: `values for key ${JSON.stringify(key)}: values set must be empty for exists and does not exist`,
          };
        tests.push((l) => l === undefined || !Object.hasOwn(l, key));
        break;
      default:
        return { error: `${JSON.stringify(expr.operator ?? '')} is not a valid label selector operator` };
    }
  }
  const matches = combine(keys, values, tests);
  const firstKey = Object.keys(sel.matchLabels ?? {}).sort()[0];
  return firstKey === undefined
    ? { empty: false, matches }
    : {
        empty: false,
        matches,
        requiredLabel: `${firstKey}=${sel.matchLabels![firstKey]}`,
        requiredPair: { key: firstKey, value: sel.matchLabels![firstKey] },
      };
}

/**
 * One predicate for matchLabels (`keys[i]` must be `values[i]`) ANDed with the expression tests,
 * specialised for the common shapes: it runs per object and clause, so it allocates nothing.
 */
function combine(keys: readonly string[], values: readonly string[], tests: readonly LabelPredicate[]) {
  if (keys.length === 1 && !tests.length) {
    const [k, v] = [keys[0], values[0]];
    return (l: Labels) => l !== undefined && l[k] === v;
  }
  if (!keys.length && tests.length === 1) return tests[0];
  return (l: Labels) => {
    if (keys.length) {
      if (l === undefined) return false;
      for (let i = 0; i < keys.length; i++) if (l[keys[i]] !== values[i]) return false;
    }
    for (let i = 0; i < tests.length; i++) if (!tests[i](l)) return false;
    return true;
  };
}

/** Convenience: does `labels` match `sel`? An invalid selector matches nothing. */
export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  const c = compileLabelSelector(sel);
  return 'error' in c ? false : c.matches(labels);
}
