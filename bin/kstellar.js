#!/usr/bin/env node
// Launcher only: everything lives in the compiled library.
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    // Exit now rather than when pooled keep-alive connections time out. Writes to pipes and
    // files are synchronous on POSIX, so nothing printed is lost.
    process.exit(code);
  },
  (err) => {
    process.stderr.write(`kstellar: unexpected error: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
