/** Media-type parsing for Accept and Content-Type (parameters in any order). */
export interface MediaType {
  type: string; // e.g. "application/json"
  params: Record<string, string>;
}

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => parseMediaType(part))
    .filter((m): m is MediaType => !!m);
}

export function parseMediaType(s: string | undefined): MediaType | undefined {
  if (!s) return undefined;
  const [type, ...rest] = s.split(';').map((x) => x.trim());
  if (!type) return undefined;
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0)
      params[p.slice(0, i).trim().toLowerCase()] = p
        .slice(i + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  return { type: type.toLowerCase(), params };
}

/** What representation the client asked for, in the order the server supports them. */
export type Representation =
  { kind: 'object' } | { kind: 'table' } | { kind: 'partial'; list: boolean } | { kind: 'discovery-v2' };

const JSONISH = new Set(['application/json', '*/*', 'application/*', 'application/yaml']);

/**
 * Pick the response representation. Returns undefined when nothing acceptable is offered
 * (the caller answers 406). Responses are always JSON: clients that ask for protobuf also list
 * application/json as a fallback.
 */
export function negotiate(
  accept: MediaType[],
  allowed: { table?: boolean; discovery?: boolean; partial?: boolean },
): Representation | undefined {
  if (accept.length === 0) return { kind: 'object' };
  let sawUnsupportedAs = false;
  for (const m of accept) {
    const as = m.params['as'];
    if (as) {
      if (m.type !== 'application/json') continue;
      if (
        as === 'Table' &&
        allowed.table &&
        m.params['g'] === 'meta.k8s.io' &&
        (m.params['v'] === 'v1' || m.params['v'] === 'v1beta1')
      )
        return { kind: 'table' };
      if (
        as === 'APIGroupDiscoveryList' &&
        allowed.discovery &&
        m.params['g'] === 'apidiscovery.k8s.io' &&
        m.params['v'] === 'v2'
      )
        return { kind: 'discovery-v2' };
      if (
        (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') &&
        allowed.partial &&
        m.params['g'] === 'meta.k8s.io'
      )
        return { kind: 'partial', list: as === 'PartialObjectMetadataList' };
      sawUnsupportedAs = true;
      continue;
    }
    if (JSONISH.has(m.type)) return { kind: 'object' };
  }
  void sawUnsupportedAs;
  return undefined;
}
