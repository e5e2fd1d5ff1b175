/**
 * Ages as kubectl prints them (k8s.io/apimachinery `duration.HumanDuration`): about two or three
 * significant figures, e.g. `45s`, `2m10s`, `15m`, `3h20m`, `5d`, `2y30d`. Table rows the server
 * builds must match what kubectl would print for the same object.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export function humanDuration(ms: number): string {
  // Up to 2 s in the future (excluded) counts as "now", to tolerate clock skew.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;

  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;

  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/**
 * The AGE column for an RFC 3339 timestamp: `<unknown>` when it is missing, unparsable or Go's
 * zero time (`0001-01-01T00:00:00Z`), `<invalid>` when it lies 2 s or more in the future.
 */
/** Go's `time.Time{}`, which an unset `metav1.Time` serialises to when it is not omitted. */
const GO_ZERO_TIME = Date.parse('0001-01-01T00:00:00Z');

export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t) || t === GO_ZERO_TIME) return '<unknown>';
  return humanDuration(now.getTime() - t);
}
