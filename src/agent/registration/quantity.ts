/**
 * Just enough of Kubernetes resource quantities to sum node capacities into a ManagedCluster's
 * `status.capacity` / `status.allocatable`: exact parsing (bigint nano-units) and canonical
 * formatting in the first operand's format, as `resource.Quantity.Add` + `String()` give.
 */

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

interface Parsed {
  /** Value × 10^9. */
  nano: bigint;
  format: Format;
}

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const NANO = 1_000_000_000n;

/** Parses `"2"`, `"500m"`, `"16Gi"`, `"1e3"`; undefined when malformed. */
export function parseQuantity(q: string | number): Parsed | undefined {
  const s = String(q).trim();
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/.exec(s);
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  const [int, frac = ''] = digits.split('.');
  // The digits as an integer mantissa × 10^-frac.length, moved to nano-units (× 10^9).
  let nano = scale10(BigInt((int || '0') + frac), 9 - frac.length);
  let format: Format = 'DecimalSI';
  if (suffix in BINARY) {
    nano *= BINARY[suffix];
    format = 'BinarySI';
  } else if (/^[eE]/.test(suffix)) {
    nano = scale10(nano, Number(suffix.slice(1)));
    format = 'DecimalExponent';
  } else {
    nano = scale10(nano, DECIMAL_EXP[suffix]);
  }
  return { nano: sign === '-' ? -nano : nano, format };
}

const scale10 = (v: bigint, exp: number): bigint =>
  exp >= 0 ? v * 10n ** BigInt(exp) : v / 10n ** BigInt(-exp);

/** Canonical text of a value in a format (largest suffix that keeps an integer mantissa). */
export function formatQuantity(nano: bigint, format: Format): string {
  if (nano === 0n) return '0';
  const neg = nano < 0n;
  const abs = neg ? -nano : nano;
  const sign = neg ? '-' : '';
  if (format === 'BinarySI' && abs % NANO === 0n && abs / NANO >= 1024n) {
    let v = abs / NANO;
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    let i = 0;
    while (i < suffixes.length - 1 && v % 1024n === 0n) {
      v /= 1024n;
      i++;
    }
    return `${sign}${v}${suffixes[i]}`;
  }
  // Decimal: exponent multiple of 3 from -9 up, as large as keeps the mantissa integral.
  let exp = -9;
  let v = abs;
  while (exp < 18 && v % 1000n === 0n) {
    v /= 1000n;
    exp += 3;
  }
  if (format === 'DecimalExponent') return exp === 0 ? `${sign}${v}` : `${sign}${v}e${exp}`;
  const suffix = Object.entries(DECIMAL_EXP).find(([, e]) => e === exp)![0];
  return `${sign}${v}${suffix}`;
}

/** Sum of quantities in the first one's format; malformed entries are skipped. */
export function addQuantities(values: ReadonlyArray<string | number>): string | undefined {
  let total = 0n;
  let format: Format | undefined;
  for (const v of values) {
    const p = parseQuantity(v);
    if (!p) continue;
    format ??= p.format;
    total += p.nano;
  }
  return format ? formatQuantity(total, format) : undefined;
}

export type ResourceList = Record<string, string | number>;

/**
 * Per-resource sums over nodes (`status.capacity` of all nodes, `status.allocatable` of the
 * schedulable ones), as the registration agent reports them. Keys sorted for stable output.
 */
export function sumNodeResources(
  nodes: ReadonlyArray<{
    spec?: { unschedulable?: boolean };
    status?: { capacity?: ResourceList; allocatable?: ResourceList };
  }>,
): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const sum = (lists: Array<ResourceList | undefined>): Record<string, string> => {
    const byKey = new Map<string, Array<string | number>>();
    for (const l of lists)
      for (const [k, v] of Object.entries(l ?? {})) byKey.set(k, [...(byKey.get(k) ?? []), v]);
    const out: Record<string, string> = {};
    for (const k of [...byKey.keys()].sort()) {
      const s = addQuantities(byKey.get(k)!);
      if (s !== undefined) out[k] = s;
    }
    return out;
  };
  return {
    capacity: sum(nodes.map((n) => n.status?.capacity)),
    allocatable: sum(nodes.filter((n) => !n.spec?.unschedulable).map((n) => n.status?.allocatable)),
  };
}
