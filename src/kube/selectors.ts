/**
 * metav1.LabelSelector <-> the `labelSelector` query string, and matching labels against one.
 * A small converter of our own: `kube` must not depend on the space's full selector parser.
 * Set-based syntax only (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`); `>`/`<` have no
 * LabelSelector form and are rejected.
 */
import type { LabelSelector, LabelSelectorRequirement } from '../api/meta.js';

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

/**
 * Formats a LabelSelector as a query string, requirements sorted by key as upstream's
 * `LabelSelectorAsSelector` does. `{}` gives `''` (everything). Throws on an invalid selector.
 */
export function formatSelector(sel: LabelSelector | null | undefined): string {
  const parts: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) parts.push([k, `${k}=${v}`]);
  for (const r of sel?.matchExpressions ?? []) parts.push([r.key, formatRequirement(r)]);
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return parts.map((p) => p[1]).join(',');
}

function formatRequirement(r: LabelSelectorRequirement): string {
  const values = [...(r.values ?? [])].sort();
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (!values.length) throw new SelectorError(`${r.operator} requirement on "${r.key}" needs values`);
      return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length) throw new SelectorError(`${r.operator} requirement on "${r.key}" takes no values`);
      return r.operator === 'Exists' ? r.key : `!${r.key}`;
    default:
      throw new SelectorError(`"${r.operator}" is not a valid label selector operator`);
  }
}

/** Parses a `labelSelector` string into a LabelSelector (`k=v` and `k==v` become matchLabels). */
export function parseSelector(s: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const part of splitTopLevel(s)) {
    const t = part.trim();
    if (!t) throw new SelectorError(`empty requirement in selector "${s}"`);
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!(),<>]+)$/.exec(t))) {
      matchExpressions.push({ key: m[1], operator: 'DoesNotExist' });
    } else if ((m = /^([^\s=!(),<>]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(t))) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      matchExpressions.push({ key: m[1], operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = /^([^\s=!(),<>]+)\s*(==|=|!=)\s*([^\s=!(),<>]*)$/.exec(t))) {
      if (m[2] === '!=') matchExpressions.push({ key: m[1], operator: 'NotIn', values: [m[3]] });
      else if (m[1] in matchLabels && matchLabels[m[1]] !== m[3])
        matchExpressions.push({ key: m[1], operator: 'In', values: [m[3]] });
      else matchLabels[m[1]] = m[3];
    } else if ((m = /^([^\s=!(),<>]+)$/.exec(t))) {
      matchExpressions.push({ key: m[1], operator: 'Exists' });
    } else {
      throw new SelectorError(`cannot parse requirement "${t}" of selector "${s}"`);
    }
  }
  const out: LabelSelector = {};
  if (Object.keys(matchLabels).length) out.matchLabels = matchLabels;
  if (matchExpressions.length) out.matchExpressions = matchExpressions;
  return out;
}

/** Splits on commas outside parentheses. */
function splitTopLevel(s: string): string[] {
  if (s.trim() === '') return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** Whether `labels` satisfy `sel`. An absent selector (null) matches nothing; `{}` everything. */
export function selectorMatches(
  sel: LabelSelector | null | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has || !values.includes(l[r.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
