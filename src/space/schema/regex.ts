/**
 * Schema `pattern`s are Go RE2 syntax. JavaScript's RegExp covers nearly all of it; this translates
 * the RE2-only spellings that real CRDs use (leading `(?i)` flags, `(?P<name>`, `\A`, `\z`, POSIX
 * bracket classes, `\pL`) so that such patterns are enforced instead of rejected.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  ascii: '\\x00-\\x7f',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\s',
  upper: 'A-Z',
  word: '\\w',
  xdigit: '0-9A-Fa-f',
};

function translate(pattern: string): { source: string; flags: string } {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    for (const f of lead[1]) if ((f === 'i' || f === 'm' || f === 's') && !flags.includes(f)) flags += f;
  }
  src = src
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => (!neg && POSIX_CLASSES[name]) || m);
  if (/\\[pP]/.test(src)) {
    // RE2 allows one-letter classes without braces (`\pL`); JS needs `\p{L}` and the u flag.
    src = src.replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}');
    flags += 'u';
  }
  return { source: src, flags };
}

const cache = new Map<string, RegExp | Error>();

/** Compiles a schema pattern; returns an Error (cached too) when it cannot be compiled. */
export function compilePattern(pattern: string): RegExp | Error {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      const { source, flags } = translate(pattern);
      re = new RegExp(source, flags);
    } catch (e) {
      re = e instanceof Error ? e : new Error(String(e));
    }
    if (cache.size > 5000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}
