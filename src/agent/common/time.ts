/** Timestamps as Kubernetes serialises them. */

/** A point in time: a Date or epoch milliseconds. */
export type Instant = Date | number;

export const toMs = (t: Instant): number => (typeof t === 'number' ? t : t.getTime());

/** metav1.Time: RFC 3339 with second precision, UTC (`2024-05-01T10:00:00Z`). */
export function rfc3339(t: Instant): string {
  return new Date(Math.floor(toMs(t) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime (Lease renewTime): microsecond precision (`2024-05-01T10:00:00.123000Z`). */
export function rfc3339Micro(t: Instant): string {
  return new Date(toMs(t)).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Epoch ms of a timestamp string; undefined when absent or unparsable. */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== 'string' || !s) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Parses a duration: a number of milliseconds (`"1500"`) or Go-style units (`"1m30s"`, `"250ms"`,
 * `"2h"`). Undefined when malformed.
 */
export function parseDuration(s: string): number | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * unit[m[2]];
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 ? Math.round(total) : undefined;
}
