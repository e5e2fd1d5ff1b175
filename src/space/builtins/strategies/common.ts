import { isDeepStrictEqual } from 'node:util';
import { fieldErr, type FieldError } from '../../errors.js';
import { labelValueErrors, qualifiedNameErrors } from '../../meta-validation.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelectorObject } from '../../selectors.js';
import { goLabelSelector, goStringMap } from '../format.js';

/** Helpers shared by the per-kind strategies: unset checks, upstream-shaped field errors. */

/** Go's "zero value" test for optional scalars: undefined, null or the empty string. */
export const unset = (v: unknown): boolean => v === undefined || v === null || v === '';

export const isObject = (v: unknown): v is Record<string, any> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `obj[key]` as an object, created when missing. */
export function ensureObject(parent: Record<string, any>, key: string): Record<string, any> {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key];
}

export const asArray = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/**
 * An Invalid error whose value is printed the way Go's `%#v` prints it (maps, slices, structs):
 * the rendered value travels in `detail` so the message reads exactly like upstream's.
 */
export function goInvalid(field: string, goValue: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, omitValue: true, detail: `${goValue}: ${detail}` };
}

/** `ValidateImmutableField` for scalar values. */
export function immutable(field: string, next: unknown, prev: unknown): FieldError[] {
  if (isDeepStrictEqual(next, prev)) return [];
  return [fieldErr.invalid(field, next ?? null, 'field is immutable')];
}

/** `ValidateImmutableField` for a label selector. */
export function immutableSelector(field: string, next: unknown, prev: unknown): FieldError[] {
  if (isDeepStrictEqual(next ?? null, prev ?? null)) return [];
  return [goInvalid(field, goLabelSelector(next), 'field is immutable')];
}

/** `unversionedvalidation.ValidateLabelSelector`: operators, values and label syntax. */
export function validateLabelSelector(sel: any, path: string): FieldError[] {
  if (!isObject(sel)) return [];
  const errs: FieldError[] = [];
  asArray(sel.matchExpressions).forEach((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = asArray(e?.values);
    switch (e?.operator) {
      case 'In':
      case 'NotIn':
        if (!values.length)
          errs.push(fieldErr.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length)
          errs.push(
            fieldErr.forbidden(
              `${p}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        break;
      default:
        errs.push(fieldErr.invalid(`${p}.operator`, e?.operator ?? '', 'not a valid selector operator'));
    }
    for (const m of qualifiedNameErrors(String(e?.key ?? '')))
      errs.push(fieldErr.invalid(`${p}.key`, e?.key ?? '', m));
  });
  for (const [k, v] of Object.entries(isObject(sel.matchLabels) ? sel.matchLabels : {})) {
    for (const m of qualifiedNameErrors(k)) errs.push(fieldErr.invalid(`${path}.matchLabels`, k, m));
    // A YAML `app: y` arrives as a boolean, which upstream cannot even decode.
    if (typeof v !== 'string')
      errs.push(fieldErr.typeInvalid(`${path}.matchLabels[${k}]`, v, 'must be a string'));
    else for (const m of labelValueErrors(v)) errs.push(fieldErr.invalid(`${path}.matchLabels`, v, m));
  }
  return errs;
}

export const selectorIsEmpty = (sel: any): boolean =>
  Object.keys(isObject(sel?.matchLabels) ? sel.matchLabels : {}).length +
    asArray(sel?.matchExpressions).length ===
  0;

/** Whether the selector matches `labels`; undefined when the selector cannot be parsed. */
export function selectorMatches(
  sel: unknown,
  labels: Record<string, string> | undefined,
): boolean | undefined {
  try {
    return matchesLabels(labelSelectorFromObject(sel as LabelSelectorObject | undefined), labels);
  } catch {
    return undefined;
  }
}

/** The classic workload error: ``spec.template.metadata.labels: Invalid value: map[...]: `selector` does not match template `labels` ``. */
export function templateLabelsMismatch(
  templatePath: string,
  labels: Record<string, string> | undefined,
): FieldError {
  return goInvalid(
    `${templatePath}.metadata.labels`,
    goStringMap(labels),
    '`selector` does not match template `labels`',
  );
}

/** Integer range check with upstream's wording. */
export function nonNegative(field: string, v: unknown): FieldError[] {
  if (typeof v === 'number' && v < 0)
    return [fieldErr.invalid(field, v, 'must be greater than or equal to 0')];
  return [];
}
