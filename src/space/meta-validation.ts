import { fieldErr, type FieldError } from './errors.js';
import type { KObject } from './types.js';

/** Generic ObjectMeta validation shared by every kind (labels, annotations, owners, finalizers). */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** Problems with a qualified name such as a label key (`prefix/name`). */
export function qualifiedNameErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (!prefix) errs.push('prefix part must be non-empty');
    else if (!isDns1123Subdomain(prefix)) errs.push(`prefix part ${DNS1123_SUBDOMAIN_MSG}`);
  } else if (parts.length > 2) {
    return [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (!name) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  else if (!QUALIFIED_NAME.test(name))
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  return errs;
}

export function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(v))
    errs.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
  return errs;
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export function validateObjectMeta(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const md = obj.metadata ?? {};
  const labels = md.labels;
  if (labels !== undefined && labels !== null) {
    if (typeof labels !== 'object' || Array.isArray(labels))
      errs.push(fieldErr.invalid('metadata.labels', labels, 'must be a map of strings'));
    else
      for (const [k, v] of Object.entries(labels)) {
        for (const m of qualifiedNameErrors(k)) errs.push(fieldErr.invalid('metadata.labels', k, m));
        if (typeof v !== 'string')
          errs.push(fieldErr.invalid(`metadata.labels`, v, 'label values must be strings'));
        else for (const m of labelValueErrors(v)) errs.push(fieldErr.invalid('metadata.labels', v, m));
      }
  }
  const ann = md.annotations;
  if (ann !== undefined && ann !== null) {
    if (typeof ann !== 'object' || Array.isArray(ann))
      errs.push(fieldErr.invalid('metadata.annotations', ann, 'must be a map of strings'));
    else {
      let size = 0;
      for (const [k, v] of Object.entries(ann)) {
        for (const m of qualifiedNameErrors(k.toLowerCase()))
          errs.push(fieldErr.invalid('metadata.annotations', k, m));
        if (typeof v !== 'string')
          errs.push(fieldErr.invalid('metadata.annotations', v, 'annotation values must be strings'));
        size += k.length + String(v).length;
      }
      if (size > TOTAL_ANNOTATION_SIZE)
        errs.push(fieldErr.tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE));
    }
  }
  const fins = md.finalizers;
  if (fins !== undefined && fins !== null) {
    if (!Array.isArray(fins))
      errs.push(fieldErr.invalid('metadata.finalizers', fins, 'must be a list of strings'));
    else
      fins.forEach((f, i) => {
        if (typeof f !== 'string')
          errs.push(fieldErr.invalid(`metadata.finalizers[${i}]`, f, 'must be a string'));
        else
          for (const m of qualifiedNameErrors(f))
            errs.push(fieldErr.invalid(`metadata.finalizers[${i}]`, f, m));
      });
  }
  const owners = md.ownerReferences;
  if (owners !== undefined && owners !== null) {
    if (!Array.isArray(owners))
      errs.push(fieldErr.invalid('metadata.ownerReferences', owners, 'must be a list'));
    else {
      let controllers = 0;
      owners.forEach((o: any, i: number) => {
        const p = `metadata.ownerReferences[${i}]`;
        if (!o || typeof o !== 'object') return errs.push(fieldErr.invalid(p, o, 'must be an object'));
        if (!o.apiVersion)
          errs.push(fieldErr.invalid(`${p}.apiVersion`, o.apiVersion ?? '', 'version must not be empty'));
        if (!o.kind) errs.push(fieldErr.invalid(`${p}.kind`, o.kind ?? '', 'kind must not be empty'));
        if (!o.name) errs.push(fieldErr.invalid(`${p}.name`, o.name ?? '', 'name must not be empty'));
        if (!o.uid) errs.push(fieldErr.invalid(`${p}.uid`, o.uid ?? '', 'uid must not be empty'));
        if (o.controller) controllers++;
      });
      if (controllers > 1)
        errs.push(
          fieldErr.invalid(
            'metadata.ownerReferences',
            owners,
            'Only one reference can have Controller set to true. Found "true" in references for multiple owners',
          ),
        );
    }
  }
  return errs;
}
