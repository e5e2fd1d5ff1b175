import type { ResourceDef } from '../types.js';

/**
 * Name and key checks with upstream's messages (k8s.io/apimachinery/pkg/util/validation and
 * apimachinery/pkg/api/validation/path). Each returns the list of problems; empty means valid.
 */

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const DNS1035 = '[a-z]([-a-z0-9]*[a-z0-9])?';
const CONFIG_KEY = '[-._a-zA-Z0-9]+';
const IANA_SVC_NAME = '[-a-z0-9]+';

const anchored = (re: string): RegExp => new RegExp(`^(?:${re})$`);
const labelRe = anchored(LABEL);
const subdomainRe = anchored(SUBDOMAIN);
const dns1035Re = anchored(DNS1035);
const configKeyRe = anchored(CONFIG_KEY);

/** Upstream's RegexError text, including its "',  or '" spacing between examples. */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (!examples.length) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;

export function dns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!subdomainRe.test(v))
    errs.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        SUBDOMAIN,
        'example.com',
      ),
    );
  return errs;
}

export function dns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!labelRe.test(v))
    errs.push(
      regexError(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        LABEL,
        'my-name',
        '123-abc',
      ),
    );
  return errs;
}

export function dns1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push(maxLenError(63));
  if (!dns1035Re.test(v))
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035,
        'my-name',
        'abc-123',
      ),
    );
  return errs;
}

/** `path.IsValidPathSegmentName`: RBAC object names may be almost anything. */
export function pathSegmentName(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (v.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** `IsConfigMapKey`: keys of ConfigMap and Secret data. */
export function configMapKey(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push(maxLenError(253));
  if (!configKeyRe.test(v))
    errs.push(
      regexError(
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        CONFIG_KEY,
        'key.name',
        'KEY_NAME',
        'key-name',
      ),
    );
  if (v === '.') errs.push("must not be '.'");
  else if (v === '..') errs.push("must not be '..'");
  else if (v.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

/** `IsValidPortName`: an IANA service name (named ports, targetPort names). */
export function portName(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 15) errs.push(maxLenError(15));
  if (!anchored(IANA_SVC_NAME).test(v))
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens (--)');
  if (v.startsWith('-') || v.endsWith('-')) errs.push('must not begin or end with a hyphen (-)');
  return errs;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * Problems with `metadata.name` for one kind, as upstream's per-kind name validators report them:
 * DNS-1123 label for Namespace, DNS-1035 label for Service, path segments for RBAC, a DNS-1123
 * subdomain everywhere else (CronJob names also stay within 52 characters).
 */
export function validateName(def: ResourceDef, name: string): string[] {
  if (def.review) return [];
  if (def.group === '' && def.resource === 'namespaces') return dns1123Label(name);
  if (def.group === '' && def.resource === 'services') return dns1035Label(name);
  if (def.group === RBAC_GROUP) return pathSegmentName(name);
  const errs = dns1123Subdomain(name);
  if (def.group === 'batch' && def.resource === 'cronjobs' && name.length > 52) errs.push(maxLenError(52));
  return errs;
}
