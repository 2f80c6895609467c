// chevrotain, loaded from its minified one-file bundle (lib/chevrotain.min.mjs, shipped in the same
// package; lib/chevrotain.mjs is the same code unminified).
//
// Why: the package's entry point (lib/src/api.js) is ~100 modules plus ~600 modules of lodash-es;
// importing it takes ~350 ms of Node startup, the bundle ~25 ms and the minified bundle ~18 ms
// (measured on this machine: less source for V8 to scan). The package's `exports` map hides the
// bundles, so they are found next to the resolved entry point. When that fails (a different
// layout, a bundler), the next one is tried, then the entry point: same API, just slower.
//
// Import chevrotain's runtime functions from here (or grammar/index.ts), not from 'chevrotain', so a
// process loads one copy. Types may come from 'chevrotain' (`import type`): they are the same.

import type * as Chevrotain from 'chevrotain';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

async function load(): Promise<typeof Chevrotain> {
  let lib: string | undefined;
  try {
    lib = join(dirname(createRequire(import.meta.url).resolve('chevrotain')), '..'); // entry: .../lib/src/api.js
  } catch {
    // no bundle to look for
  }
  for (const bundle of lib !== undefined ? ['chevrotain.min.mjs', 'chevrotain.mjs'] : []) {
    try {
      const mod = (await import(pathToFileURL(join(lib!, bundle)).href)) as typeof Chevrotain;
      if (typeof mod.EmbeddedActionsParser === 'function' && mod.VERSION === '11.2.0') return mod;
    } catch {
      // try the next one
    }
  }
  return import('chevrotain');
}

const chevrotain = await load();

export const {
  createSyntaxDiagramsCode, createToken, createTokenInstance, CstParser, EmbeddedActionsParser, EOF, getLookaheadPaths, Lexer,
  LLkLookaheadStrategy, tokenMatcher, VERSION,
} = chevrotain;
