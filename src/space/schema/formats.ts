/**
 * String formats of the CRD schema dialect. Upstream ignores formats it does not know, and so do we;
 * the checks below are deliberately about as lenient as go-openapi's strfmt.
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';

const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 plus the ISO 8601 variants strfmt also accepts (space separator, no seconds, no zone).
const dateTimeRe =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuidVersionRe = (v: number): RegExp =>
  new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i');
const uuid3Re = uuidVersionRe(3);
const uuid4Re = uuidVersionRe(4);
const uuid5Re = uuidVersionRe(5);
const emailRe = /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/;
const hostnameLabelRe = /^[a-zA-Z0-9\p{L}]([a-zA-Z0-9\p{L}-]*[a-zA-Z0-9\p{L}])?$/u;
const macRe =
  /^(?:[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}|[0-9a-f]{2}(?:[:-][0-9a-f]{2}){7}|[0-9a-f]{4}(?:\.[0-9a-f]{4}){2})$/i;
const durationRe =
  /^[-+]?(?:\s*\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|m|h|d|w|sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|wk|wks|week|weeks))+\s*$/;
const hexColorRe = /^#?(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day <= days;
}

function isHostname(s: string): boolean {
  if (!s || s.length > 255) return false;
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  return name.split('.').every((label) => label.length <= 63 && hostnameLabelRe.test(label));
}

function isURI(s: string): boolean {
  // Go's url.ParseRequestURI: an absolute URI or an absolute path, no whitespace or control chars.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected
  if (/[\s\x00-\x1f\x7f]/.test(s)) return false;
  return s.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(s);
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const v = isIP(ip);
  return (v === 4 && Number(bits) <= 32) || (v === 6 && Number(bits) <= 128);
}

const CHECKS: Record<string, (s: string) => boolean> = {
  date: (s) => {
    const m = dateRe.exec(s);
    return !!m && validDate(m[1], m[2], m[3]);
  },
  'date-time': (s) => {
    const m = dateTimeRe.exec(s);
    return (
      !!m && validDate(m[1], m[2], m[3]) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 61
    );
  },
  byte: (s) => base64Re.test(s),
  uri: isURI,
  email: (s) => emailRe.test(s),
  hostname: isHostname,
  ipv4: (s) => isIPv4(s),
  ipv6: (s) => isIPv6(s),
  cidr: isCIDR,
  mac: (s) => macRe.test(s),
  uuid: (s) => uuidRe.test(s),
  uuid3: (s) => uuid3Re.test(s),
  uuid4: (s) => uuid4Re.test(s),
  uuid5: (s) => uuid5Re.test(s),
  duration: (s) => durationRe.test(s),
  hexcolor: (s) => hexColorRe.test(s),
};
// Aliases strfmt registers under other spellings.
CHECKS.datetime = CHECKS['date-time'];

/** true/false for a known string format, undefined when the format is not checked. */
export function checkStringFormat(format: string, value: string): boolean | undefined {
  const check = CHECKS[format];
  return check ? check(value) : undefined;
}

const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2 ** 63;

/** Range check for integer formats; undefined when the format says nothing about integers. */
export function checkIntegerFormat(format: string, value: number): boolean | undefined {
  if (format === 'int32') return value >= -INT32_MAX - 1 && value <= INT32_MAX;
  if (format === 'int64') return value >= -INT64_MAX && value < INT64_MAX;
  return undefined;
}
