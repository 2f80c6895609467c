#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli (compiled to dist/ by `npm run build`, which `npm ci` runs).
// Exit codes: see src/cli/main.ts. 70 here means a bug or a broken installation, never user input.

const fail = (message) => {
  process.stderr.write(`cnnc: ${message}\n`);
  process.exitCode = 70;
};

import('../dist/src/cli/main.js').then(
  ({ main }) =>
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
        // Exit now rather than wait for V8's background work (GC, compiler threads) to wind down,
        // but only once everything written to stdout and stderr has been handed to the OS.
        const flushed = (stream) => new Promise((done) => (stream.writableLength === 0 ? done() : stream.write('', done)));
        Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
      },
      // Internal errors only: main() turns every problem with user input into an exit code.
      (err) => fail(`internal error: ${err && err.message ? err.message : String(err)}`),
    ),
  (err) =>
    fail(
      err && err.code === 'ERR_MODULE_NOT_FOUND' && /dist[\\/]src[\\/]cli[\\/]main\.js/.test(String(err.message))
        ? 'not built: dist/src/cli/main.js is missing; run `npm run build` (or `npm ci`) first'
        : `cannot start: ${err && err.message ? err.message.split('\n')[0] : String(err)}`,
    ),
);
