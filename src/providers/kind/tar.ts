/**
 * Just enough of the tar format to take one file out of a .tar.gz (the Helm release archive), so
 * fetching a pinned tool needs no `tar` binary on the machine.
 */
import { gunzipSync } from 'node:zlib';

function field(block: Buffer, start: number, len: number): string {
  const raw = block.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
}

/** The content of `member` in a gzipped tar archive; undefined when it is not there. */
export function extractFromTarGz(archive: Uint8Array, member: string): Buffer | undefined {
  const tar = gunzipSync(archive);
  const want = member.replace(/^\.\//, '');
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) return undefined; // end of archive
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(header, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      // GNU long name: the next header's name is in this entry's body.
      longName = field(body, 0, body.length);
      continue;
    }
    name = name.replace(/^\.\//, '');
    if ((type === '0' || type === '\0') && name === want) return Buffer.from(body);
  }
  return undefined;
}
