import { labelSelectorFromObject, labelSelectorToString, type LabelSelectorObject } from '../selectors.js';

/**
 * Small formatting helpers shared by printers and validation messages: upstream's label and
 * selector text forms, and the Go `%#v` renderings that appear inside field error messages.
 */

/** `labels.FormatLabels`: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(m: Record<string, string> | undefined | null): string {
  const keys = Object.keys(m ?? {}).sort();
  if (!keys.length) return '<none>';
  return keys.map((k) => `${k}=${m![k]}`).join(',');
}

/** `metav1.LabelSelectorAsSelector(sel).String()`, or undefined when the selector is malformed. */
export function selectorString(sel: unknown): string | undefined {
  try {
    return labelSelectorToString(labelSelectorFromObject(sel as LabelSelectorObject | undefined));
  } catch {
    return undefined;
  }
}

/** `metav1.FormatLabelSelector`: `<none>` for empty or missing, `<error>` for malformed. */
export function formatLabelSelector(sel: unknown): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s || '<none>';
}

/** Go `%q` of a string (close enough: JSON escaping). */
export const goQuote = (s: string): string => JSON.stringify(s);

/** Go `%#v` of a `map[string]string`: `map[string]string{"a":"b", "c":"d"}`, `(nil)` when absent. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (m === undefined || m === null) return 'map[string]string(nil)';
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(', ')}}`;
}

/** Go `%#v` of a `[]string`. */
export function goStringSlice(xs: string[] | undefined | null): string {
  if (xs === undefined || xs === null) return '[]string(nil)';
  return `[]string{${xs.map((x) => goQuote(String(x))).join(', ')}}`;
}

/** Go `%#v` of a `metav1.LabelSelector` value, as field errors print a selector. */
export function goLabelSelector(sel: any): string {
  const exprs = sel?.matchExpressions;
  const exprText =
    exprs === undefined || exprs === null
      ? '[]v1.LabelSelectorRequirement(nil)'
      : `[]v1.LabelSelectorRequirement{${(exprs as any[])
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(String(e?.key ?? ''))}, Operator:${goQuote(String(e?.operator ?? ''))}, Values:${goStringSlice(e?.values)}}`,
          )
          .join(', ')}}`;
  return `v1.LabelSelector{MatchLabels:${goStringMap(sel?.matchLabels)}, MatchExpressions:${exprText}}`;
}

export const lengthOf = (x: unknown): number =>
  Array.isArray(x) ? x.length : x && typeof x === 'object' ? Object.keys(x).length : 0;
