import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

/**
 * Authentication (apiserver-compat.md §1.1): a client certificate signed by the space CA
 * (CN = user, O = groups), else a bearer token. Authorization is allow-all for authenticated users.
 */
export function authenticate(
  req: IncomingMessage,
  tokens: ReadonlyMap<string, UserInfo>,
): UserInfo | undefined {
  const sock = req.socket as TLSSocket;
  if (sock.authorized) {
    const cert = sock.getPeerCertificate?.();
    const subj = cert?.subject as Record<string, string | string[]> | undefined;
    const cn = subj?.CN;
    if (cn) {
      const o = subj?.O;
      const groups = Array.isArray(o) ? o : o ? [o] : [];
      return { username: String(cn), groups: [...groups, 'system:authenticated'] };
    }
  }
  const h = req.headers.authorization;
  if (h && /^bearer /i.test(h)) {
    const user = tokens.get(h.slice(7).trim());
    if (user) return user;
  }
  return undefined;
}
