#!/usr/bin/env node
// Launcher only: everything lives in the compiled library.
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`kstellar: unexpected error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
