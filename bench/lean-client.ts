import { connect, type TLSSocket } from 'node:tls';

/**
 * A minimal HTTP/1.1 keep-alive client over one TLS connection, for throughput benchmarks.
 * Node's `https` module costs about as much CPU per request as the space's whole write path,
 * and on a 2-core machine the load generator shares the CPU with the server; etcd's benchmark
 * client (gRPC over HTTP/2) is far leaner. This client keeps the comparison about the servers.
 * It handles exactly what the space sends for non-watch requests: Content-Length bodies.
 */
export class LeanConnection {
  private sock!: TLSSocket;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: { code: number; body: string }) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly token: string,
  ) {}

  static open(host: string, port: number, ca: string, token: string): Promise<LeanConnection> {
    const c = new LeanConnection(host, port, token);
    return new Promise((resolve, reject) => {
      c.sock = connect({ host, port, ca, servername: 'localhost' }, () => resolve(c));
      c.sock.setNoDelay(true);
      c.sock.on('error', (e) => (c.pending ? c.pending.reject(e) : reject(e)));
      c.sock.on('data', (d: Buffer) => c.onData(d));
    });
  }

  request(method: string, path: string, body: string, contentType = 'application/json'): Promise<{ code: number; body: string }> {
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nAuthorization: Bearer ${this.token}\r\n` +
      `Content-Type: ${contentType}\r\nAccept: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.sock.write(head + body);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const m = /content-length:\s*(\d+)/i.exec(head);
    const len = m ? Number(m[1]) : 0;
    if (this.buf.length < end + 4 + len) return;
    const code = Number(head.slice(9, 12));
    const body = this.buf.subarray(end + 4, end + 4 + len).toString('utf8');
    this.buf = this.buf.subarray(end + 4 + len);
    const p = this.pending;
    this.pending = undefined;
    p?.resolve({ code, body });
  }

  close(): void {
    this.sock.destroy();
  }
}
